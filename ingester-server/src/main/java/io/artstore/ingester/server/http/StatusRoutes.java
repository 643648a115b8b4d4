package io.artstore.ingester.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Objects;

/** {@code GET /api/v1/status} (the status document) and {@code GET /} (the same, as a page for people). */
public final class StatusRoutes {

    private final StatusReport report;

    public StatusRoutes(StatusReport report) {
        this.report = Objects.requireNonNull(report, "report");
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/status", ctx -> Json.send(ctx, 200, report.status()));
        routes.get("/", this::page);
    }

    private void page(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(StatusPageRenderer.render(report.status()));
    }
}
