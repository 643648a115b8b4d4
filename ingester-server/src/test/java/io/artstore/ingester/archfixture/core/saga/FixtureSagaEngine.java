package io.artstore.ingester.archfixture.core.saga;

import java.time.Clock;
import java.time.Instant;

/** A pure engine: the time from the Clock it is handed; an interrupt it cannot handle is passed on. */
public final class FixtureSagaEngine {

    private final Clock clock;

    public FixtureSagaEngine(Clock clock) {
        this.clock = clock;
    }

    public Instant leaseUntil() {
        return clock.instant().plusSeconds(30);
    }

    public void interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
    }
}
