package io.artstore.ingester.core.port.out;

import java.time.Duration;
import java.util.Objects;

/**
 * Where background tasks wait to be run by some worker (this instance's, or any instance's of a group): durable
 * once {@link #submit} returns, delivered at least once.
 */
public interface TaskQueue {

    /** Queues a task; durable when this returns. */
    void submit(Task task);

    /** How much waits, as plain values. */
    Depth depth();

    /**
     * @param waiting tasks queued and not yet acknowledged (for a Kafka group: its lag, records not yet committed)
     * @param oldest how long the oldest of them has waited; zero when none waits or the queue cannot tell
     */
    record Depth(long waiting, Duration oldest) {
        public Depth {
            Objects.requireNonNull(oldest, "oldest");
        }
    }
}
