package io.artstore.ingester.server.metrics;

import io.artstore.ingester.core.domain.IngestException;
import java.util.regex.Pattern;

/**
 * How an operation ended: done, refused (the request's fault: bad input, no permission, no room, a conflict) or failed
 * (the ingester's or a storage element's fault, or a client that went away), with the error code as its reason.
 *
 * @param reason the error code, {@code none} when done; a code that is not a plain word counts as {@code other}, so
 *     that no label grows with what a peer sends
 */
public record Outcome(String result, String reason) {

    public static final String SUCCEEDED = "succeeded";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";
    public static final Outcome DONE = new Outcome(SUCCEEDED, "none");

    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /** The outcome of an operation that threw {@code error}. */
    public static Outcome of(RuntimeException error) {
        if (error instanceof IngestException ingest) {
            String result = switch (ingest.kind()) {
                case INTERNAL, UNAVAILABLE, CLIENT_ABORTED -> FAILED;
                default -> REFUSED;
            };
            return new Outcome(result, CODE.matcher(ingest.code()).matches() ? ingest.code() : "other");
        }
        return new Outcome(FAILED, "internal_error");
    }

    public boolean succeeded() {
        return result.equals(SUCCEEDED);
    }
}
