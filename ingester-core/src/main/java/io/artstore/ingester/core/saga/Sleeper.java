package io.artstore.ingester.core.saga;

import java.time.Duration;

/**
 * Waits between retries. The server hands in one that blocks the calling thread; tests hand in one that moves a
 * test clock instead. The core itself never blocks a thread.
 */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;
}
