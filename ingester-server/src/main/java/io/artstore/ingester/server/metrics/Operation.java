package io.artstore.ingester.server.metrics;

/** The file operations that are metered; the wire name is the {@code operation} label and JSON field. */
public enum Operation {
    UPLOAD("upload"),
    DELETE("delete"),
    TRANSFER("transfer");

    private final String wireName;

    Operation(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
