package io.artstore.ingester.core.domain;

import java.util.Objects;

/**
 * The one failure type that crosses the core's boundary. {@link Kind} says what went wrong in terms a
 * client can act on; {@link #code()} is a stable machine-readable word; the message says what to fix.
 */
public final class IngestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, as a client sees it. Each maps to one HTTP status at the edge. */
    public enum Kind {
        /** 400: the request is malformed or names something that does not exist. */
        INVALID_REQUEST,
        /** 404: no such file. */
        NOT_FOUND,
        /** 409: the file or storage element is in the wrong mode, or another operation holds the file. */
        CONFLICT,
        /** 413: over the configured maximum size. */
        TOO_LARGE,
        /** 422: the bytes contradict the declared size or checksum. */
        CONTENT_MISMATCH,
        /** 503: no storage element of the mode is reachable now. */
        UNAVAILABLE,
        /** 507: no storage element of the mode has room. */
        INSUFFICIENT_STORAGE,
        /** The client went away half-way; nothing can be answered. */
        CLIENT_ABORTED,
        /** 500: a fault of ours or of a storage element. */
        INTERNAL
    }

    private final Kind kind;
    private final String code;

    public IngestException(Kind kind, String code, String message) {
        this(kind, code, message, null);
    }

    public IngestException(Kind kind, String code, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.code = Objects.requireNonNull(code, "code");
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public static IngestException invalid(String code, String message) {
        return new IngestException(Kind.INVALID_REQUEST, code, message);
    }

    public static IngestException notFound(String code, String message) {
        return new IngestException(Kind.NOT_FOUND, code, message);
    }

    public static IngestException conflict(String code, String message) {
        return new IngestException(Kind.CONFLICT, code, message);
    }
}
