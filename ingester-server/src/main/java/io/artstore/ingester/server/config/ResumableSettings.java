package io.artstore.ingester.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Resumable (tus) uploads under {@code /api/v1/uploads}.
 *
 * @param stagingDir where received bytes wait until the upload completes; every instance of a cluster must see the
 *     same folder, since any of them may continue an upload
 * @param stagingMaxBytes the most bytes all unfinished uploads may reserve in the staging folder; 0 for no limit but
 *     the folder's free space
 * @param expiresAfter how long an unfinished upload is kept after its last change (and a finished one's outcome)
 * @param lockWait how long a request waits for the request that holds an upload to let go before taking it over
 * @param lockLease how long a request holds an upload without receiving bytes before another may take it over
 * @param sweepInterval how often expired uploads are deleted
 * @param corsOrigins origins whose browsers may call the upload API ({@code *} for any); empty for none
 */
public record ResumableSettings(Path stagingDir, long stagingMaxBytes, Duration expiresAfter, Duration lockWait,
        Duration lockLease, Duration sweepInterval, List<String> corsOrigins) {

    public static final Duration DEFAULT_EXPIRES_AFTER = Duration.ofHours(24);
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofMillis(2500);
    public static final Duration DEFAULT_LOCK_LEASE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

    public ResumableSettings {
        Objects.requireNonNull(stagingDir, "stagingDir");
        Objects.requireNonNull(expiresAfter, "expiresAfter");
        Objects.requireNonNull(lockWait, "lockWait");
        Objects.requireNonNull(lockLease, "lockLease");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        corsOrigins = List.copyOf(corsOrigins);
        if (stagingMaxBytes < 0) {
            throw new IllegalArgumentException("the staging limit must not be negative");
        }
    }

    /** The defaults, staging in {@code <data folder>/staging}. */
    public static ResumableSettings defaults(Path dataDir) {
        return new ResumableSettings(dataDir.resolve("staging"), 0, DEFAULT_EXPIRES_AFTER, DEFAULT_LOCK_WAIT,
                DEFAULT_LOCK_LEASE, DEFAULT_SWEEP_INTERVAL, List.of());
    }
}
