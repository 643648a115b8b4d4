package io.artstore.ingester.archfixture.storage;

import io.artstore.ingester.archfixture.core.domain.FixtureValue;
import io.artstore.ingester.archfixture.core.port.out.FixturePort;
import java.util.ArrayList;
import java.util.List;

/** An adapter as it should be: implements a port, uses domain values. */
public final class FixtureStorageAdapter implements FixturePort {

    private final List<FixtureValue> kept = new ArrayList<>();

    @Override
    public void keep(FixtureValue value) {
        kept.add(value);
    }
}
