package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.server.observe.TraceMdc;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns every failure into {@code {"code","message","detail"}} with the status of its kind. {@code detail}
 * repeats the message for clients of the ArtStore ingester, which read that field.
 */
public final class ErrorResponses {

    /** Seconds a client should wait before retrying when no storage element is reachable. */
    static final int RETRY_AFTER_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    public static void register(RoutesConfig routes) {
        register(routes, TlsFailures.NONE);
    }

    /**
     * @param tlsFailures remote elements whose last TLS handshake failed: a 503 lists them under
     *     {@code storage_elements}, so that a client learns why no element could take its request
     */
    public static void register(RoutesConfig routes, TlsFailures tlsFailures) {
        routes.exception(IngestException.class, (e, ctx) -> {
            if (e.kind() == IngestException.Kind.UNAVAILABLE && !tlsFailures.now().isEmpty()) {
                ObjectNode body = body(e.code(), e.getMessage());
                ArrayNode elements = body.putArray("storage_elements");
                tlsFailures.now().forEach((id, failure) -> StatusReport.putTlsFailure(elements.addObject().put("id", id.value()), failure));
                ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
                Json.send(ctx, status(e.kind()), body);
            } else {
                send(ctx, e);
            }
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            String code = ServerErrorHandler.code(e.getStatus());
            String message = e.getStatus() == 404
                    ? "no endpoint " + ctx.method() + " " + ctx.path() + "; see docs/api.md for the API"
                    : e.getMessage();
            send(ctx, e.getStatus(), code, message);
        });
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure of {} {}", ctx.method(), ctx.path(), e);
            send(ctx, 500, "internal_error", "the server failed unexpectedly; the error is in its log");
        });
    }

    static int status(IngestException.Kind kind) {
        return switch (kind) {
            case INVALID_REQUEST, CLIENT_ABORTED -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case CONTENT_MISMATCH -> 422;
            case UNAVAILABLE -> 503;
            case INSUFFICIENT_STORAGE -> 507;
            case INTERNAL -> 500;
        };
    }

    static void send(Context ctx, IngestException e) {
        if (e.kind() == IngestException.Kind.INTERNAL) {
            LOG.error("internal failure of {} {}: {}", ctx.method(), ctx.path(), e.getMessage(), e);
        }
        if (e.kind() == IngestException.Kind.UNAVAILABLE) {
            ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        }
        send(ctx, status(e.kind()), e.code(), e.getMessage());
    }

    public static void send(Context ctx, int status, String code, String message) {
        Json.send(ctx, status, body(code, message));
    }

    /** With the request's trace id, when it has one, so that a client can quote it and the trace be found. */
    private static ObjectNode body(String code, String message) {
        ObjectNode body = Json.object().put("code", code).put("message", message).put("detail", message);
        String traceId = MDC.get(TraceMdc.TRACE_ID);
        if (traceId != null) {
            body.put("trace_id", traceId);
        }
        return body;
    }
}
