package io.artstore.ingester.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How transfers edit → rw run.
 *
 * @param recoveryInterval how often the recovery sweep drives unfinished transfers to their end (it runs at
 *     start-up too)
 * @param parallelism how many transfers copy at once; more wait in line
 */
public record TransferSettings(Duration recoveryInterval, int parallelism) {

    public static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(60);
    public static final int DEFAULT_PARALLELISM = 4;
    public static final int MAX_PARALLELISM = 64;

    public TransferSettings {
        Objects.requireNonNull(recoveryInterval, "recoveryInterval");
        if (recoveryInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("the recovery interval must be at least 100ms, got " + recoveryInterval);
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("transfer parallelism must be 1-" + MAX_PARALLELISM + ", got " + parallelism);
        }
    }

    public static TransferSettings defaults() {
        return new TransferSettings(DEFAULT_RECOVERY_INTERVAL, DEFAULT_PARALLELISM);
    }
}
