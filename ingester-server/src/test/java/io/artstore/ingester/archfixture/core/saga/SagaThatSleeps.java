package io.artstore.ingester.archfixture.core.saga;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Breaks the rule that core.saga starts, sleeps and schedules no threads. */
public final class SagaThatSleeps {

    public void backOff(Duration delay) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(delay.toMillis());
    }
}
