package io.artstore.ingester.server.events;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.EventOutbox;
import io.artstore.ingester.core.port.out.OutboxStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Optional;

/**
 * Refuses the operations that publish file events — uploads (multipart, and the creation of a resumable upload),
 * deletes, transfers — with 503 {@code outbox_full} while the outbox holds its maximum, rather than let their events
 * be lost. Operations already under way (a resumable upload's further chunks among them) still write their events,
 * so the outbox may pass its maximum by as many as are in flight. Reads are never refused.
 */
public final class OutboxAdmission {

    private final Optional<EventOutbox> outbox;

    public OutboxAdmission(Optional<EventOutbox> outbox) {
        this.outbox = outbox;
    }

    public static OutboxAdmission none() {
        return new OutboxAdmission(Optional.empty());
    }

    public void register(RoutesConfig routes) {
        if (outbox.isPresent()) {
            routes.before(this::check);
        }
    }

    private void check(Context ctx) {
        if (!publishesEvents(ctx.method(), ctx.path())) {
            return;
        }
        OutboxStatus status = outbox.get().status();
        if (status.full()) {
            throw new IngestException(IngestException.Kind.UNAVAILABLE, "outbox_full", "the event outbox holds "
                    + status.depth() + " events waiting for the broker (at most " + status.capacity() + "); new uploads,"
                    + " deletes and transfers wait until it drains");
        }
    }

    static boolean publishesEvents(HandlerType method, String path) {
        if (method == HandlerType.POST) {
            return path.equals("/api/v1/files/upload") || path.startsWith("/api/v1/uploads")
                    || (path.startsWith("/api/v1/files/") && path.endsWith("/transfer")) || path.startsWith("/api/v1/finalize/");
        }
        return method == HandlerType.DELETE && path.startsWith("/api/v1/files/");
    }
}
