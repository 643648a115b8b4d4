package io.artstore.ingester.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The audit log's checkpoints and rotation; the log itself is always kept, in {@code <data_dir>/audit}.
 *
 * @param checkpointEvery a signed checkpoint after at most this many records
 * @param checkpointInterval and at most this long after the first record it does not cover yet
 * @param maxFileBytes the size at which a log file is closed and the next one begun
 */
public record AuditSettings(int checkpointEvery, Duration checkpointInterval, long maxFileBytes) {

    public static final AuditSettings DEFAULTS = new AuditSettings(100, Duration.ofSeconds(10), 64L * 1024 * 1024);

    public AuditSettings {
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    }
}
