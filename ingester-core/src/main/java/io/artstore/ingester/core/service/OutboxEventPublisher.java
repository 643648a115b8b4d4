package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.EventOutbox;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.OutboxEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * Publishes each file event to the outbox, for the relay to send to the broker, and then to the local event log
 * that answers {@link #published}.
 *
 * <p>The outbox comes first: a crash between the two leaves the event in the outbox but not in the log, so the
 * saga's retried step publishes it again. Its event id is derived from what the event is about — the file, the
 * type and the saga or transaction — so that the second copy carries the same id and consumers drop it.
 */
public final class OutboxEventPublisher implements EventPublisher {

    private final EventOutbox outbox;
    private final EventPublisher log;
    private final Clock clock;

    public OutboxEventPublisher(EventOutbox outbox, EventPublisher log, Clock clock) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void publish(FileEvent event) {
        outbox.append(new OutboxEvent(eventId(event), event, clock.instant()));
        log.publish(event);
    }

    @Override
    public boolean published(FileId fileId, FileEvent.Type type) {
        return log.published(fileId, type);
    }

    /**
     * A name-based UUID of the file, the type and the saga or transaction: the same for every copy of one event.
     * An event of neither (a participant's command, a tool) is made unique by its time.
     */
    public static String eventId(FileEvent event) {
        String cause = event.sagaId().map(id -> "saga:" + id)
                .or(() -> event.transactionId().map(id -> "transaction:" + id))
                .orElseGet(() -> "at:" + event.at());
        String name = event.fileId() + "|" + event.type().wireName() + "|" + cause;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
