package io.artstore.ingester.core.port.out;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How full the outbox is, for health, metrics and the admission of new operations.
 *
 * @param depth events waiting to be sent
 * @param capacity the configured maximum of waiting events
 * @param oldestEnqueuedAt when the oldest waiting event was appended; empty when none waits
 */
public record OutboxStatus(long depth, long capacity, Optional<Instant> oldestEnqueuedAt) {

    public OutboxStatus {
        Objects.requireNonNull(oldestEnqueuedAt, "oldestEnqueuedAt");
        if (depth < 0 || capacity < 1) {
            throw new IllegalArgumentException("depth " + depth + " and capacity " + capacity + " out of range");
        }
    }

    /** True when new operations must wait: their events would not fit. */
    public boolean full() {
        return depth >= capacity;
    }

    /** How long the oldest waiting event has waited at {@code now}; zero when none waits. */
    public Duration oldestAge(Instant now) {
        return oldestEnqueuedAt.map(at -> Duration.between(at, now)).filter(age -> !age.isNegative()).orElse(Duration.ZERO);
    }
}
