package io.artstore.ingester.core.domain;

import java.util.Locale;

/** How stored bytes may be compressed on the fly. */
public enum CompressionAlgorithm {
    GZIP,
    BROTLI;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CompressionAlgorithm parse(String text) {
        if (text != null) {
            for (CompressionAlgorithm algorithm : values()) {
                if (algorithm.wireName().equalsIgnoreCase(text.trim())) {
                    return algorithm;
                }
            }
        }
        throw new IllegalArgumentException("compression_algorithm must be 'gzip' or 'brotli', got '" + text + "'");
    }
}
