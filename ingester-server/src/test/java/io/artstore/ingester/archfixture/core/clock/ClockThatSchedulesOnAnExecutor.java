package io.artstore.ingester.archfixture.core.clock;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Breaks the rule that core.clock starts no threads. */
public final class ClockThatSchedulesOnAnExecutor {

    public ScheduledExecutorService persistEverySecond(Runnable persist) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        scheduler.scheduleAtFixedRate(persist, 1, 1, TimeUnit.SECONDS);
        return scheduler;
    }
}
