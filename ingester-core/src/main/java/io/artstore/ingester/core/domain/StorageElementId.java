package io.artstore.ingester.core.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/** The configured or discovered identity of a storage element, e.g. {@code local-edit} or {@code se-01}. */
public record StorageElementId(String value) {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public StorageElementId {
        Objects.requireNonNull(value, "value");
        if (!ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "storage element id must be 1-128 characters of letters, digits, '.', '_' or '-', got '" + value + "'");
        }
    }

    public static StorageElementId of(String value) {
        return new StorageElementId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
