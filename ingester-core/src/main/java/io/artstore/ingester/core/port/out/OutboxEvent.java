package io.artstore.ingester.core.port.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A file event in the outbox.
 *
 * @param eventId the event's identity on the wire: the same for every copy of one event (a resend, or a publish
 *     repeated by recovery), so that consumers drop duplicates by it
 * @param enqueuedAt when the outbox took it, for the age of the oldest waiting event
 * @param position where the outbox holds it (a sequence number, a stream entry id), empty until appended
 */
public record OutboxEvent(String eventId, FileEvent event, Instant enqueuedAt, Optional<String> position) {

    public OutboxEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        Objects.requireNonNull(position, "position");
        if (eventId.isBlank()) {
            throw new IllegalArgumentException("an outbox event needs an event id");
        }
    }

    public OutboxEvent(String eventId, FileEvent event, Instant enqueuedAt) {
        this(eventId, event, enqueuedAt, Optional.empty());
    }

    public OutboxEvent at(String where) {
        return new OutboxEvent(eventId, event, enqueuedAt, Optional.of(where));
    }
}
