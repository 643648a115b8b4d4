package io.artstore.ingester.core.saga;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** The identity of one run of a saga; it names the saga in its log, in events and in the HTTP API. */
public record SagaId(String value) {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    public SagaId {
        Objects.requireNonNull(value, "value");
        if (!ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException("saga id must be 1 to 128 letters, digits, '.', '_', ':' or '-'"
                    + " starting with a letter or digit, got '" + value + "'");
        }
    }

    public static SagaId random() {
        return new SagaId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
