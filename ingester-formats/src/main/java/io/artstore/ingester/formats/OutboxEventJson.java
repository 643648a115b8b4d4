package io.artstore.ingester.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.OutboxEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * An outbox entry as JSON, the same in the embedded outbox's files and in Redis: {@code event_id},
 * {@code enqueued_at} and the {@code event} with the fields of the local event log plus its saga, transaction and
 * trace context and, when it has them, the file's {@code attributes} ({@link FileEventAttributesJson}). Not the
 * broker's wire format, which the Kafka adapter writes.
 */
public final class OutboxEventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OutboxEventJson() {
    }

    public static ObjectNode toJson(OutboxEvent entry) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("event_id", entry.eventId());
        node.put("enqueued_at", entry.enqueuedAt().toString());
        FileEvent event = entry.event();
        ObjectNode body = node.putObject("event");
        body.put("type", event.type().name());
        body.put("file_id", event.fileId().toString());
        body.put("storage_element_id", event.elementId().value());
        body.put("mode", event.mode().wireName());
        body.put("size", event.size());
        body.put("checksum", event.checksum().hex());
        body.put("at", event.at().toString());
        body.put("vector_clock", event.clock().toText());
        event.sagaId().ifPresent(id -> body.put("saga_id", id));
        event.transactionId().ifPresent(id -> body.put("transaction_id", id));
        event.traceParent().ifPresent(trace -> body.put("traceparent", trace));
        event.attributes().ifPresent(file -> body.set("attributes", FileEventAttributesJson.toJson(file)));
        return node;
    }

    public static byte[] toBytes(OutboxEvent entry) {
        try {
            return MAPPER.writeValueAsBytes(toJson(entry));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when the JSON is no outbox entry */
    public static OutboxEvent fromBytes(byte[] json) {
        try {
            return fromJson(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException when a field is missing or malformed */
    public static OutboxEvent fromJson(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("event").isObject()) {
            throw new IllegalArgumentException("an outbox entry is an object with an event");
        }
        JsonNode body = node.get("event");
        try {
            String clock = body.path("vector_clock").asText("");
            FileEvent event = new FileEvent(
                    FileEvent.Type.valueOf(required(body, "type").toUpperCase(Locale.ROOT)),
                    FileId.parse(required(body, "file_id")),
                    StorageElementId.of(required(body, "storage_element_id")),
                    Mode.parse(required(body, "mode")),
                    body.path("size").asLong(),
                    Sha256.parse(required(body, "checksum")),
                    Instant.parse(required(body, "at")),
                    clock.isEmpty() ? VectorClock.empty() : VectorClock.parseSaturating(clock),
                    optional(body, "saga_id"), optional(body, "transaction_id"), optional(body, "traceparent"),
                    // Absent from entries written before events carried the file's attributes.
                    FileEventAttributesJson.fromJson(body.get("attributes")));
            return new OutboxEvent(required(node, "event_id"), event, Instant.parse(required(node, "enqueued_at")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an outbox entry: " + e.getMessage(), e);
        }
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("no " + field);
        }
        return value.asText();
    }

    private static Optional<String> optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
