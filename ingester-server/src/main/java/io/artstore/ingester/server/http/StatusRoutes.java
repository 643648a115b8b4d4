package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code GET /api/v1/status} (the status document) and {@code GET /} (the same, as a page for people). Also times the
 * upload requests (multipart uploads and the data requests of resumable uploads) for the page's charts.
 */
public final class StatusRoutes {

    private static final String STARTED = StatusRoutes.class.getName() + ".started";

    private final StatusReport report;
    private final StatusActivity activity;

    public StatusRoutes(StatusReport report) {
        this(report, StatusActivity.none(Clock.systemUTC()));
    }

    public StatusRoutes(StatusReport report, StatusActivity activity) {
        this.report = Objects.requireNonNull(report, "report");
        this.activity = Objects.requireNonNull(activity, "activity");
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/status", ctx -> Json.send(ctx, 200, status()));
        routes.get("/", this::page);
        routes.before("/api/v1/files/upload", StatusRoutes::start);
        routes.after("/api/v1/files/upload", this::sample);
        routes.before("/api/v1/uploads", StatusRoutes::start);
        routes.after("/api/v1/uploads", this::sample);
        routes.before("/api/v1/uploads/{id}", StatusRoutes::start);
        routes.after("/api/v1/uploads/{id}", this::sample);
    }

    /** The status document: the report, then what happened lately. */
    public ObjectNode status() {
        ObjectNode status = report.status();
        activity.addTo(status);
        return status;
    }

    private void page(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8").result(StatusPageRenderer.render(status()));
    }

    private static void start(Context ctx) {
        ctx.attribute(STARTED, System.nanoTime());
    }

    /** A successful upload request or data request of a resumable upload: its body's bytes and duration. */
    private void sample(Context ctx) {
        Long started = ctx.attribute(STARTED);
        long bytes = ctx.req().getContentLengthLong();
        // A creation without data or a chunked body (length unknown) is no sample of throughput.
        if (started == null || ctx.statusCode() >= 300 || bytes <= 0 || !carriesContent(ctx)) {
            return;
        }
        activity.samples().uploaded(bytes, Duration.ofNanos(System.nanoTime() - started));
    }

    private static boolean carriesContent(Context ctx) {
        String method = ctx.method().name();
        String override = ctx.header("X-HTTP-Method-Override");
        if (override != null) {
            method = override.toUpperCase(Locale.ROOT);
        }
        return method.equals("POST") || method.equals("PATCH");
    }
}
