package io.artstore.ingester.server.security;

/** A valid token that may not do what a route found it asking for: 403 with {@link #code()}. */
public final class AccessRefused extends RuntimeException {

    private final String code;

    public AccessRefused(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
