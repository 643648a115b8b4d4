package io.artstore.ingester.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.FileEventAttributes;
import io.artstore.ingester.core.port.out.OutboxEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class FileEventMessagesTest {

    private static final FileId FILE = FileId.parse("0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    private static final Sha256 CHECKSUM = Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
    private static final Instant AT = Instant.parse("2026-12-07T08:00:00.123456Z");
    private static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void aTransferredEventIsKeyedByFileWithTheDocumentedFieldsAndItsTraceContextInAHeader() throws Exception {
        FileEvent event = new FileEvent(FileEvent.Type.FILE_TRANSFERRED, FILE, StorageElementId.of("rw-1"), Mode.RW, 42,
                CHECKSUM, AT, VectorClock.parse("node-a:3,node-b:7")).withTransactionId("tx-1").withTraceParent(TRACE);

        ProducerRecord<byte[], byte[]> record = FileEventMessages.record("events", new OutboxEvent("e-1", event, AT));

        assertThat(record.topic()).isEqualTo("events");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(FILE.toString());
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsOnly(Map.entry("event_id", "e-1"), Map.entry("event_type", "file_transferred"),
                Map.entry("schema_version", "1"), Map.entry("content-type", "application/json"), Map.entry("traceparent", TRACE));
        JsonNode json = new ObjectMapper().readTree(record.value());
        assertThat(json.path("schema_version").asInt()).isEqualTo(1);
        assertThat(json.path("event_id").asText()).isEqualTo("e-1");
        assertThat(json.path("type").asText()).isEqualTo("file_transferred");
        assertThat(json.path("occurred_at").asText()).isEqualTo("2026-12-07T08:00:00.123456Z");
        assertThat(json.path("file_id").asText()).isEqualTo(FILE.toString());
        assertThat(json.path("storage_element_id").asText()).isEqualTo("rw-1");
        assertThat(json.path("mode").asText()).isEqualTo("rw");
        assertThat(json.path("size").asLong()).isEqualTo(42);
        assertThat(json.path("checksum").asText()).isEqualTo(CHECKSUM.hex());
        assertThat(json.path("checksum_algorithm").asText()).isEqualTo("sha256");
        assertThat(json.path("saga_id").isNull()).isTrue();
        assertThat(json.path("transaction_id").asText()).isEqualTo("tx-1");
        assertThat(json.path("vector_clock").path("node-a").asLong()).isEqualTo(3);
        assertThat(json.path("vector_clock").path("node-b").asLong()).isEqualTo(7);
    }

    @Test
    void anEventWithoutTraceContextHasNoTraceparentHeader() {
        FileEvent event = new FileEvent(FileEvent.Type.FILE_ADDED, FILE, StorageElementId.of("edit-1"), Mode.EDIT, 1,
                CHECKSUM, AT).withSagaId("saga-1");

        ProducerRecord<byte[], byte[]> record = FileEventMessages.record("events", new OutboxEvent("e-2", event, AT));

        assertThat(record.headers().lastHeader("traceparent")).isNull();
    }

    @Test
    void anEventCarriesTheFilesAttributesWithEveryFieldNamed() throws Exception {
        FileEventAttributes file = new FileEventAttributes("report.pdf", "application/pdf", Optional.of("Quarterly report"),
                Optional.empty(), Map.of("project", "apollo"), "user-1", "alice", Instant.parse("2026-12-07T07:59:00.5Z"),
                Optional.of(new FileEventAttributes.Compression(CompressionAlgorithm.BROTLI, 4096, CHECKSUM)),
                Optional.of("ed25519"), RetentionPolicy.TEMPORARY, Optional.of(Instant.parse("2027-01-06T07:59:00Z")));
        FileEvent event = new FileEvent(FileEvent.Type.FILE_ADDED, FILE, StorageElementId.of("edit-1"), Mode.EDIT, 1,
                CHECKSUM, AT).withSagaId("saga-1").withAttributes(file);

        JsonNode json = new ObjectMapper().readTree(FileEventMessages.value(new OutboxEvent("e-3", event, AT)));

        assertThat(json.path("schema_version").asInt()).as("fields added keep the version").isEqualTo(1);
        JsonNode attributes = json.path("attributes");
        assertThat(attributes.path("original_filename").asText()).isEqualTo("report.pdf");
        assertThat(attributes.path("content_type").asText()).isEqualTo("application/pdf");
        assertThat(attributes.path("description").asText()).isEqualTo("Quarterly report");
        assertThat(attributes.path("version").isNull()).isTrue();
        assertThat(attributes.path("metadata").path("project").asText()).isEqualTo("apollo");
        assertThat(attributes.path("created_by").path("subject").asText()).isEqualTo("user-1");
        assertThat(attributes.path("created_by").path("username").asText()).isEqualTo("alice");
        assertThat(attributes.path("created_at").asText()).isEqualTo("2026-12-07T07:59:00.500Z");
        assertThat(attributes.path("compressed").asBoolean()).isTrue();
        assertThat(attributes.path("compression_algorithm").asText()).isEqualTo("brotli");
        assertThat(attributes.path("original_size").asLong()).isEqualTo(4096);
        assertThat(attributes.path("original_checksum").asText()).isEqualTo(CHECKSUM.hex());
        assertThat(attributes.path("signed").asBoolean()).isTrue();
        assertThat(attributes.path("signature_algorithm").asText()).isEqualTo("ed25519");
        assertThat(attributes.path("retention_policy").asText()).isEqualTo("temporary");
        assertThat(attributes.path("ttl_expires_at").asText()).isEqualTo("2027-01-06T07:59:00Z");
    }

    @Test
    void anEventStoredWithoutTheFilesAttributesIsSentWithNullAttributes() throws Exception {
        FileEvent event = new FileEvent(FileEvent.Type.FILE_DELETED, FILE, StorageElementId.of("edit-1"), Mode.EDIT, 1,
                CHECKSUM, AT).withSagaId("saga-1");

        JsonNode json = new ObjectMapper().readTree(FileEventMessages.value(new OutboxEvent("e-4", event, AT)));

        assertThat(json.has("attributes")).isTrue();
        assertThat(json.path("attributes").isNull()).isTrue();
        assertThat(json.path("file_id").asText()).isEqualTo(FILE.toString());
    }
}
