package io.artstore.ingester.core.clock;

import java.util.Objects;
import java.util.regex.Pattern;

/** The identity of one ingester instance in vector clocks, e.g. {@code ingester-1}. */
public record NodeId(String value) implements Comparable<NodeId> {

    /** Letters, digits, '.', '_' and '-' only, so that the clock's text form needs no escaping. */
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public NodeId {
        Objects.requireNonNull(value, "value");
        if (!ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "node id must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit, got '"
                            + value + "'");
        }
    }

    public static NodeId of(String value) {
        return new NodeId(value);
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
