package io.artstore.ingester.server.config;

import io.artstore.ingester.kafka.KafkaSettings;
import java.util.Objects;
import java.util.Optional;

/**
 * Where file events, audit records and alerts go beyond the local files: to Kafka when {@code kafka} is present,
 * through an outbox that holds at most {@code outboxMaxEvents} events waiting for the broker.
 */
public record EventSettings(Optional<KafkaSettings> kafka, long outboxMaxEvents) {

    public static final long DEFAULT_OUTBOX_MAX_EVENTS = 100_000;

    public static final EventSettings DEFAULTS = new EventSettings(Optional.empty(), DEFAULT_OUTBOX_MAX_EVENTS);

    public EventSettings {
        Objects.requireNonNull(kafka, "kafka");
        if (outboxMaxEvents < 1) {
            throw new IllegalArgumentException("the outbox must hold at least one event");
        }
    }
}
