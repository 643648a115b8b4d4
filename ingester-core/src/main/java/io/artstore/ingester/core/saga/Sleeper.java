package io.artstore.ingester.core.saga;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits between retries; tests replace it with one that moves a test clock instead. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    /** Blocks the calling thread. */
    static Sleeper system() {
        return duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    }
}
