package io.artstore.ingester.server.http;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.service.ConcurrentOperationGuard;
import io.artstore.ingester.core.service.LocalClock;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code X-ArtStore-Vector-Clock} header. A state-changing request (POST, PUT, PATCH, DELETE) is an event of
 * this instance: a clock the client sends is merged into the local clock (the entries {@link LocalClock} takes in),
 * otherwise the local clock ticks; a malformed header, one with more entries than configured or with a counter
 * above {@link VectorClock#MAX_COUNTER}, is refused with 400 {@code invalid_vector_clock} before anything changes.
 * Every response of such a request, error or not, carries the local clock as it stands after the request, so that
 * a client that keeps it has seen the change; {@code GET /api/v1/files/{id}} carries the clock of the file's last
 * change, which a client refused with 409 {@code concurrent_operation} merges before it retries.
 */
public final class VectorClockHeader {

    public static final String NAME = "X-ArtStore-Vector-Clock";
    private static final String CLIENT_CLOCK = "artstore.client-clock";
    private static final String REQUEST_CLOCK = "artstore.request-clock";
    private static final Set<HandlerType> STATE_CHANGING = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
            HandlerType.DELETE);

    private final LocalClock clock;
    private final ConcurrentOperationGuard guard;
    private final int maxEntries;

    /** @param maxEntries the most entries a received header may have */
    public VectorClockHeader(LocalClock clock, ConcurrentOperationGuard guard, int maxEntries) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.guard = Objects.requireNonNull(guard, "guard");
        if (maxEntries < 1 || maxEntries > VectorClock.MAX_ENTRIES) {
            throw new IllegalArgumentException("maxEntries must be from 1 to " + VectorClock.MAX_ENTRIES + ", got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** Register before the routes, so that the clock is received before any of them acts. */
    public void register(RoutesConfig routes) {
        routes.before(this::receive);
        // The delete route knows nothing of clocks; its concurrency check is made here.
        routes.before("/api/v1/files/{id}", this::checkDelete);
        routes.after(this::stamp);
        routes.after("/api/v1/files/{id}", this::stampFile);
    }

    /** A file read answers the clock of the file's last change, when one was recorded. */
    private void stampFile(Context ctx) {
        if (ctx.method() != HandlerType.GET || ctx.statusCode() != 200) {
            return;
        }
        try {
            guard.lastChange(FileId.parse(ctx.pathParam("id"))).ifPresent(last -> ctx.header(NAME, last.toText()));
        } catch (IllegalArgumentException malformed) {
            // not a file id: the route has answered with its own error
        }
    }

    private void checkDelete(Context ctx) {
        if (ctx.method() != HandlerType.DELETE) {
            return;
        }
        FileId fileId;
        try {
            fileId = FileId.parse(ctx.pathParam("id"));
        } catch (IllegalArgumentException malformed) {
            return; // the route refuses it with its own error
        }
        guard.check(fileId, clientClock(ctx));
    }

    /** The clock the client sent, if it sent one; the concurrency check compares it with the file's last change. */
    static Optional<VectorClock> clientClock(Context ctx) {
        return Optional.ofNullable(ctx.<VectorClock>attribute(CLIENT_CLOCK));
    }

    /** The local clock at the receipt of this request: what the operation it starts is stamped with. */
    static VectorClock requestClock(Context ctx) {
        return Optional.ofNullable(ctx.<VectorClock>attribute(REQUEST_CLOCK)).orElse(VectorClock.empty());
    }

    private void receive(Context ctx) {
        if (!STATE_CHANGING.contains(ctx.method())) {
            return;
        }
        String header = ctx.header(NAME);
        if (header == null) {
            ctx.attribute(REQUEST_CLOCK, clock.tick());
            return;
        }
        long entries = header.isBlank() ? 0 : header.chars().filter(c -> c == ',').count() + 1;
        if (entries > maxEntries) {
            throw IngestException.invalid("invalid_vector_clock", "the " + NAME + " header has " + entries
                    + " entries; at most " + maxEntries + " are accepted");
        }
        VectorClock received;
        try {
            received = VectorClock.parse(header);
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_vector_clock", "the " + NAME + " header is not a vector clock: "
                    + e.getMessage() + "; send the value of this header from an earlier response, or none");
        }
        ctx.attribute(CLIENT_CLOCK, received);
        ctx.attribute(REQUEST_CLOCK, clock.receive(received));
    }

    private void stamp(Context ctx) {
        if (STATE_CHANGING.contains(ctx.method())) {
            ctx.header(NAME, clock.current().toText());
        }
    }
}
