package io.artstore.ingester.server.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id of a request, for audit records and logs: the client's {@code X-Request-Id} when it sent a sane one (so
 * that a proxy's id carries through), else a fresh UUID; echoed in the response's {@code X-Request-Id}.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "artstore.request_id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

    private RequestIds() {
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        if (id == null) {
            String sent = ctx.header(HEADER);
            id = sent != null && SANE.matcher(sent).matches() ? sent : UUID.randomUUID().toString();
            ctx.attribute(ATTRIBUTE, id);
            if (!ctx.res().isCommitted()) {
                ctx.header(HEADER, id);
            }
        }
        return id;
    }
}
