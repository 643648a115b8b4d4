package io.artstore.ingester.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses (a URI or header it refuses, a request line it cannot parse, a URI or headers too
 * long) in the API's JSON error body. These errors arise before the request reaches a route, so the exception
 * mappers of {@link ErrorResponses} never see them; Jetty hands them to the error handler of its server.
 */
final class ServerErrorHandler extends ErrorHandler {

    ServerErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    /** The error code of a bare HTTP status, shared with {@link ErrorResponses}. */
    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "request_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 505 -> "http_version_not_supported";
            default -> "http_" + status;
        };
    }

    /** Every method gets the body: clients of PUT and DELETE read errors too. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    /** JSON whatever the request accepts: the API has no other error format. */
    @Override
    protected void generateResponse(Request request, Response response, int status, String reason, Throwable cause,
            Callback callback) {
        String message = "the server refused the request before reading it: " + (reason == null || reason.isBlank()
                ? "HTTP " + status : reason) + hint(status);
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(Json.object().put("code", code(status)).put("message", message)
                    .put("detail", message));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static String hint(int status) {
        return switch (status) {
            case 400 -> "; check the request line, the headers and the URI's percent-encoding (no %00, no bare %)";
            case 414 -> "; send long values in the body, not in the URI";
            case 431 -> "; send fewer or shorter headers";
            default -> "";
        };
    }
}
