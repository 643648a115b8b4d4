package io.artstore.ingester.server.config;

/**
 * {@code GET /metrics} and the meters behind it.
 *
 * @param enabled keep meters and serve {@code /metrics}; off, the route answers 404 and nothing is metered
 * @param publicAccess serve {@code /metrics} without a token although authentication is on; off, it needs the
 *     {@code metrics:read} permission. Off by default: the metrics name storage elements, rates and failures, which
 *     tell an attacker what works and what does not
 */
public record MetricsSettings(boolean enabled, boolean publicAccess) {

    public static final MetricsSettings DEFAULTS = new MetricsSettings(true, false);
}
