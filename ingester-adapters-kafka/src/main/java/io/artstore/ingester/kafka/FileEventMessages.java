package io.artstore.ingester.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.OutboxEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * File events as the records of the file-events topic (documented in {@code docs/events.md}): the file id as key,
 * a JSON value with {@value #SCHEMA_VERSION} as {@code schema_version}, and headers for routing and tracing that
 * repeat the event id and type and carry the W3C {@code traceparent} when the event has one.
 */
public final class FileEventMessages {

    /**
     * Raised when a field is removed or changes meaning; consumers read the versions they know. Fields added keep
     * the version: consumers ignore fields they do not know.
     */
    public static final int SCHEMA_VERSION = 1;

    public static final String EVENT_ID_HEADER = "event_id";
    public static final String EVENT_TYPE_HEADER = "event_type";
    public static final String SCHEMA_VERSION_HEADER = "schema_version";
    public static final String CONTENT_TYPE_HEADER = "content-type";
    public static final String TRACEPARENT_HEADER = "traceparent";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FileEventMessages() {
    }

    public static ProducerRecord<byte[], byte[]> record(String topic, OutboxEvent entry) {
        FileEvent event = entry.event();
        List<Header> headers = new ArrayList<>();
        headers.add(header(EVENT_ID_HEADER, entry.eventId()));
        headers.add(header(EVENT_TYPE_HEADER, event.type().wireName()));
        headers.add(header(SCHEMA_VERSION_HEADER, Integer.toString(SCHEMA_VERSION)));
        headers.add(header(CONTENT_TYPE_HEADER, "application/json"));
        event.traceParent().ifPresent(trace -> headers.add(header(TRACEPARENT_HEADER, trace)));
        return new ProducerRecord<>(topic, null, bytes(event.fileId().toString()), value(entry), headers);
    }

    /** The record's JSON value. */
    public static byte[] value(OutboxEvent entry) {
        FileEvent event = entry.event();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("schema_version", SCHEMA_VERSION);
        node.put("event_id", entry.eventId());
        node.put("type", event.type().wireName());
        node.put("occurred_at", event.at().toString());
        node.put("file_id", event.fileId().toString());
        node.put("storage_element_id", event.elementId().value());
        node.put("mode", event.mode().wireName());
        node.put("size", event.size());
        node.put("checksum", event.checksum().hex());
        node.put("checksum_algorithm", "sha256");
        if (event.sagaId().isPresent()) {
            node.put("saga_id", event.sagaId().get());
        } else {
            node.putNull("saga_id");
        }
        if (event.transactionId().isPresent()) {
            node.put("transaction_id", event.transactionId().get());
        } else {
            node.putNull("transaction_id");
        }
        ObjectNode clock = node.putObject("vector_clock");
        event.clock().entries().forEach((nodeId, counter) -> clock.put(nodeId.value(), counter));
        if (event.attributes().isPresent()) {
            node.set("attributes", MAPPER.valueToTree(event.attributes().get().toFields()));
        } else {
            // Only an event the outbox held from before events carried the file's attributes.
            node.putNull("attributes");
        }
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Header header(String key, String value) {
        return new RecordHeader(key, bytes(value));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
