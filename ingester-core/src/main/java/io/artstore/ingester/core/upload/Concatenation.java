package io.artstore.ingester.core.upload;

import java.util.List;
import java.util.Objects;

/**
 * The tus concatenation role of an upload: none, a partial upload (bytes only, never stored as a file on its own),
 * or a final upload made of the listed partial uploads in order.
 */
public record Concatenation(Kind kind, List<UploadId> parts) {

    public enum Kind { NONE, PARTIAL, FINAL }

    public Concatenation {
        Objects.requireNonNull(kind, "kind");
        parts = List.copyOf(parts);
        if ((kind == Kind.FINAL) == parts.isEmpty()) {
            throw new IllegalArgumentException("a final upload lists its parts, and only a final upload does");
        }
    }

    public static Concatenation none() {
        return new Concatenation(Kind.NONE, List.of());
    }

    public static Concatenation partial() {
        return new Concatenation(Kind.PARTIAL, List.of());
    }

    public static Concatenation finalOf(List<UploadId> parts) {
        return new Concatenation(Kind.FINAL, parts);
    }

    public boolean isPartial() {
        return kind == Kind.PARTIAL;
    }

    public boolean isFinal() {
        return kind == Kind.FINAL;
    }
}
