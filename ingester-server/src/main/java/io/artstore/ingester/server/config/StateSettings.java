package io.artstore.ingester.server.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the state of sagas, transfers, locks, reservations, the catalogue and the clocks lives: in files under the
 * data folder (the embedded default, one instance per folder), or in Redis, shared by every instance of a cluster.
 * Where Redis is comes from the one Redis configuration ({@link IngesterConfig#redis()}), which service discovery
 * uses too.
 *
 * @param waitReplicas how many replicas must acknowledge a write of the logs, locks, catalogue and clocks before it
 *     counts as done; 0 for a standalone Redis
 * @param waitTimeout how long a write waits for them; a write they did not confirm fails the operation
 * @param retention how long ended sagas and transfers are kept in Redis for their status
 * @param instanceLease how long this instance's lease lasts unrenewed; its transfers are taken over after it
 */
public record StateSettings(Store store, int waitReplicas, Duration waitTimeout,
        Duration retention, Duration instanceLease) {

    public enum Store {
        FILE,
        REDIS;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_INSTANCE_LEASE = Duration.ofSeconds(30);
    public static final StateSettings EMBEDDED = new StateSettings(Store.FILE, 0, DEFAULT_WAIT_TIMEOUT,
            DEFAULT_RETENTION, DEFAULT_INSTANCE_LEASE);

    public StateSettings {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(instanceLease, "instanceLease");
        if (waitReplicas < 0) {
            throw new IllegalArgumentException("waitReplicas must not be negative, got " + waitReplicas);
        }
    }
}
