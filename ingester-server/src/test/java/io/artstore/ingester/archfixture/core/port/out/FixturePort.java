package io.artstore.ingester.archfixture.core.port.out;

import io.artstore.ingester.archfixture.core.domain.FixtureValue;

public interface FixturePort {

    void keep(FixtureValue value);
}
