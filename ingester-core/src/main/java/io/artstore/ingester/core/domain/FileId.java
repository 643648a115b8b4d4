package io.artstore.ingester.core.domain;

import java.util.Objects;
import java.util.UUID;

/** The identity of a stored file. It stays the same when the file moves between storage elements. */
public record FileId(UUID value) {

    public FileId {
        Objects.requireNonNull(value, "value");
    }

    public static FileId random() {
        return new FileId(UUID.randomUUID());
    }

    /** Parses the canonical UUID text form; anything else is refused. */
    public static FileId parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            UUID uuid = UUID.fromString(text);
            if (!uuid.toString().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException("not a canonical UUID: " + text);
            }
            return new FileId(uuid);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("file id must be a UUID like 0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b, got '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
