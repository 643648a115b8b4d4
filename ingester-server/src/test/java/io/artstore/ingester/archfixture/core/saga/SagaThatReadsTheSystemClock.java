package io.artstore.ingester.archfixture.core.saga;

import java.time.Clock;
import java.time.Instant;

/** Breaks the rule that core.saga reads no system clock. */
public final class SagaThatReadsTheSystemClock {

    public Instant now() {
        return Clock.systemUTC().instant();
    }
}
