package io.artstore.ingester.storage.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the audit log lives and how often it is checkpointed.
 *
 * @param folder the log's folder: {@code audit-NNNNNN.log} files, the public key and the signed head
 * @param privateKeyFile the checkpoint signing key, created at first start
 * @param checkpointEvery a checkpoint after this many records at the latest
 * @param checkpointInterval a checkpoint this long after the first record it does not cover yet, at the latest
 * @param maxFileBytes a file that has grown to this size is closed and the chain goes on in the next one
 */
public record AuditLogSettings(Path folder, Path privateKeyFile, int checkpointEvery, Duration checkpointInterval,
        long maxFileBytes) {

    public static final int DEFAULT_CHECKPOINT_EVERY = 100;
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;

    public AuditLogSettings {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        if (checkpointEvery < 1 || checkpointInterval.isNegative() || checkpointInterval.isZero() || maxFileBytes < 1024) {
            throw new IllegalArgumentException("checkpointEvery >= 1, checkpointInterval > 0 and maxFileBytes >= 1 KiB");
        }
    }

    /** The defaults, under {@code dataDir}: {@code audit/} for the log, {@code keys/audit-ed25519.pem} for the key. */
    public static AuditLogSettings in(Path dataDir) {
        return new AuditLogSettings(dataDir.resolve("audit"), dataDir.resolve("keys").resolve("audit-ed25519.pem"),
                DEFAULT_CHECKPOINT_EVERY, DEFAULT_CHECKPOINT_INTERVAL, DEFAULT_MAX_FILE_BYTES);
    }

    public AuditLogSettings with(int every, Duration interval, long maxBytes) {
        return new AuditLogSettings(folder, privateKeyFile, every, interval, maxBytes);
    }
}
