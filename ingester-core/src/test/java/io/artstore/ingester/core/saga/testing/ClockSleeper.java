package io.artstore.ingester.core.saga.testing;

import io.artstore.ingester.core.saga.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Sleeps by moving a {@link ManualClock} forward, and remembers every wait. */
public final class ClockSleeper implements Sleeper {

    private final ManualClock clock;
    private final List<Duration> waits = new ArrayList<>();

    public ClockSleeper(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        waits.add(duration);
        clock.advance(duration);
    }

    public synchronized List<Duration> waits() {
        return List.copyOf(waits);
    }
}
