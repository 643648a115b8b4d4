package io.artstore.ingester.archfixture.core.saga;

import io.artstore.ingester.archfixture.core.service.FixtureService;

/** Breaks the rule that the engines adapters may use lead to no service. */
public final class SagaEngineCallingAService {

    public void step(FixtureService service) {
        service.add("from the engine");
    }
}
