package io.artstore.ingester.archfixture.core.clock;

import java.time.Clock;
import java.time.Instant;

/** A pure clock value: the time comes from the Clock it is handed. */
public record FixtureClockValue(String node, long counter, Instant at) {

    public FixtureClockValue tick(Clock clock) {
        return new FixtureClockValue(node, counter + 1, clock.instant());
    }
}
