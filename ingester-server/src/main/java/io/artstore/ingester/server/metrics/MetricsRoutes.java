package io.artstore.ingester.server.metrics;

import io.artstore.ingester.server.http.ErrorResponses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /metrics}: the Prometheus text format (0.0.4), or OpenMetrics 1.0 when the {@code Accept} header asks for
 * {@code application/openmetrics-text}. Who may read it is the route policy's business ({@code metrics:read}, or
 * anyone with {@code metrics.public}).
 */
public final class MetricsRoutes {

    public static final String PATH = "/metrics";

    private final Metrics metrics;

    public MetricsRoutes(Metrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    public void register(RoutesConfig routes) {
        routes.get(PATH, this::scrape);
    }

    private void scrape(Context ctx) {
        Optional<Metrics.Scrape> scrape = metrics.scrape(ctx.header("Accept"));
        if (scrape.isEmpty()) {
            ErrorResponses.send(ctx, 404, "metrics_disabled", "metrics are off (metrics.enabled, INGESTER_METRICS_ENABLED)");
            return;
        }
        ctx.status(200).contentType(scrape.get().contentType()).result(scrape.get().body());
    }
}
