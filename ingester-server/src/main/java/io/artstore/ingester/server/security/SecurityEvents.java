package io.artstore.ingester.server.security;

import io.javalin.http.Context;

/**
 * Every access decision, as it is made: what an audit log or an alerting rule listens to. Called on the request's
 * thread; an implementation must be quick and must not throw.
 */
public interface SecurityEvents {

    /** Listens to nothing. */
    SecurityEvents NONE = new SecurityEvents() { };

    /**
     * @param ctx the request; its caller ({@code Callers.of}) is set once the token was accepted
     * @param subject the token's subject, or {@code anonymous} with authentication off
     * @param action the operation, e.g. {@code files:upload}, or the request's method and path where none applies
     */
    default void accessAllowed(Context ctx, String ip, String subject, String action) {
    }

    /** A valid token (or none, for a refused address) that may not do this: 403, 404 of the admin API, or 429. */
    default void accessRefused(Context ctx, String ip, String subject, String action, String reason) {
    }

    /** A missing, malformed, expired or badly signed token: 401. */
    default void authenticationFailed(Context ctx, String ip, String reason) {
    }

    /** An address or subject was blocked for a cool-down by the flood or authentication-failure detector. */
    default void blocked(String kind, String value, String reason) {
    }
}
