package io.artstore.ingester.server.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How the server logs.
 *
 * @param level one of TRACE, DEBUG, INFO, WARN, ERROR
 * @param file when present, logs also go to this file, rolled daily and by size
 * @param maxFileBytes roll the file when it grows past this size
 * @param maxHistoryDays how many days of rolled files to keep
 */
public record LoggingSettings(String level, Format format, Optional<Path> file, long maxFileBytes, int maxHistoryDays) {

    public enum Format {
        /** One JSON object per line, for log collectors. */
        JSON,
        /** One readable line per event, for people. */
        TEXT
    }

    public LoggingSettings {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(file, "file");
        if (maxFileBytes <= 0 || maxHistoryDays <= 0) {
            throw new IllegalArgumentException("log rotation limits must be > 0");
        }
    }
}
