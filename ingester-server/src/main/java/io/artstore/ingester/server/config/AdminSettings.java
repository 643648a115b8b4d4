package io.artstore.ingester.server.config;

/**
 * The operator actions under {@code /api/v1/admin/}.
 *
 * @param enabledWithoutAuth serve them although authentication is off, for a server reachable only from a trusted
 *     network; off by default, because without authentication anyone who reaches the port could use them
 */
public record AdminSettings(boolean enabledWithoutAuth) {}
