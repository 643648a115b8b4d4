package io.artstore.ingester.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Objects;

/** {@code GET /health/live} (the process answers) and {@code GET /health/ready} (it can take files). */
public final class HealthRoutes {

    private final StatusReport report;
    private final Clock clock;

    public HealthRoutes(StatusReport report, Clock clock) {
        this.report = Objects.requireNonNull(report, "report");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(RoutesConfig routes) {
        routes.get("/health/live", this::live);
        routes.get("/health/ready", this::ready);
    }

    /** The remote elements whose last TLS handshake failed, for 503 answers. */
    TlsFailures tlsFailures() {
        return report.tlsFailures();
    }

    private void live(Context ctx) {
        Json.send(ctx, 200, Json.object().put("status", "alive").put("timestamp", clock.instant().toString()));
    }

    private void ready(Context ctx) {
        StatusReport.Readiness readiness = report.readiness();
        if (!readiness.ready()) {
            ctx.header("Retry-After", String.valueOf(ErrorResponses.RETRY_AFTER_SECONDS));
        }
        Json.send(ctx, readiness.ready() ? 200 : 503, readiness.json());
    }
}
