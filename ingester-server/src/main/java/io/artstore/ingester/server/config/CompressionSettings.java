package io.artstore.ingester.server.config;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import java.util.Objects;

/**
 * How uploads are compressed when they ask for it.
 *
 * <p>The defaults come from measurements on one core: Brotli quality 1 runs at about 273 MB/s with a ratio
 * like gzip's, against 73 MB/s for gzip level 1 and 35 MB/s for gzip level 6, and 79 MB/s for Brotli quality 4.
 *
 * @param enabledByDefault whether an upload that does not say {@code compress} is compressed
 * @param defaultAlgorithm used when an upload asks for compression without naming an algorithm
 */
public record CompressionSettings(boolean enabledByDefault, CompressionAlgorithm defaultAlgorithm, int brotliQuality,
        int gzipLevel) {

    public static final int DEFAULT_BROTLI_QUALITY = 1;
    public static final int DEFAULT_GZIP_LEVEL = 1;

    public CompressionSettings {
        Objects.requireNonNull(defaultAlgorithm, "defaultAlgorithm");
        if (brotliQuality < 0 || brotliQuality > 11) {
            throw new IllegalArgumentException("brotli quality must be 0..11, got " + brotliQuality);
        }
        if (gzipLevel < 1 || gzipLevel > 9) {
            throw new IllegalArgumentException("gzip level must be 1..9, got " + gzipLevel);
        }
    }
}
