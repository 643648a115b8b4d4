package io.artstore.ingester.server.config;

/** Limits on uploads. */
public record UploadSettings(long maxFileBytes) {

    public static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024 * 1024;

    public UploadSettings {
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException("max file size must be > 0, got " + maxFileBytes);
        }
    }
}
