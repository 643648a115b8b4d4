package io.artstore.ingester.server.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How adds and deletes run as sagas.
 *
 * @param instanceId this instance's name in the saga log; empty to use the one kept in the data folder
 * @param lease how long an instance holds a saga after its latest record before another may take it over;
 *     longer than the longest upload when instances share a saga log
 * @param recoveryInterval how often unfinished sagas whose owner is gone are driven to an end
 * @param addTimeout how long an add may take before it is undone
 * @param deleteTimeout how long a delete may wait before its pivot before it is undone
 * @param maxRetryWait how long a request waits for retries before it leaves its saga to recovery
 */
public record SagaSettings(Optional<String> instanceId, Duration lease, Duration recoveryInterval, Duration addTimeout,
        Duration deleteTimeout, Duration maxRetryWait) {

    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_ADD_TIMEOUT = Duration.ofHours(1);
    public static final Duration DEFAULT_DELETE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MAX_RETRY_WAIT = Duration.ofSeconds(10);

    public SagaSettings {
        Objects.requireNonNull(instanceId, "instanceId");
        for (Duration duration : new Duration[] {lease, recoveryInterval, addTimeout, deleteTimeout}) {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("saga durations must be positive, got " + duration);
            }
        }
        Objects.requireNonNull(maxRetryWait, "maxRetryWait");
        if (maxRetryWait.isNegative()) {
            throw new IllegalArgumentException("max retry wait must be zero or more, got " + maxRetryWait);
        }
    }
}
