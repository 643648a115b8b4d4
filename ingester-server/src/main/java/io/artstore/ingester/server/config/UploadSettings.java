package io.artstore.ingester.server.config;

import java.nio.file.Path;
import java.util.Objects;

/** Limits on uploads, and the settings of resumable ones. */
public record UploadSettings(long maxFileBytes, ResumableSettings resumable) {

    public static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024 * 1024;

    public UploadSettings {
        Objects.requireNonNull(resumable, "resumable");
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException("max file size must be > 0, got " + maxFileBytes);
        }
    }

    /** Resumable uploads with their defaults, staged in the default folder under {@code data}. */
    public UploadSettings(long maxFileBytes) {
        this(maxFileBytes, ResumableSettings.defaults(Path.of("data")));
    }
}
