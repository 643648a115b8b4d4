package io.artstore.ingester.core.transfer;

import java.util.Objects;
import java.util.UUID;

/** The identity of one transfer transaction. */
public record TransactionId(UUID value) {

    public TransactionId {
        Objects.requireNonNull(value, "value");
    }

    public static TransactionId random() {
        return new TransactionId(UUID.randomUUID());
    }

    /** Parses the canonical UUID text form; anything else is refused. */
    public static TransactionId parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            UUID uuid = UUID.fromString(text);
            if (uuid.toString().equalsIgnoreCase(text)) {
                return new TransactionId(uuid);
            }
        } catch (IllegalArgumentException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException("transaction id must be a UUID, got '" + text + "'");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
