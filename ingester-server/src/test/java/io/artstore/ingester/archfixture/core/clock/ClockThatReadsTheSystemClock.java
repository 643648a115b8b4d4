package io.artstore.ingester.archfixture.core.clock;

/** Breaks the rule that core.clock reads no system clock. */
public final class ClockThatReadsTheSystemClock {

    public long counter() {
        return System.currentTimeMillis();
    }
}
