package io.artstore.ingester.archfixture.core.service;

import io.artstore.ingester.archfixture.core.domain.FixtureValue;
import io.artstore.ingester.archfixture.core.port.out.FixturePort;

public final class FixtureService {

    private final FixturePort port;

    public FixtureService(FixturePort port) {
        this.port = port;
    }

    public void add(String name) {
        port.keep(new FixtureValue(name));
    }
}
