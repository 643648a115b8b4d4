package io.artstore.ingester.server.saga;

import io.artstore.ingester.core.saga.Sleeper;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits between a saga step's retries by blocking the thread that drives the saga: a request's or recovery's. */
public final class BlockingSleeper implements Sleeper {

    public static final BlockingSleeper INSTANCE = new BlockingSleeper();

    private BlockingSleeper() {
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    }
}
