package io.artstore.ingester.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.kafka.fixture.KafkaBrokerExtension;
import io.artstore.ingester.kafka.fixture.Kcat;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TransferSteps;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * File events and audit lines reach their topics on a real broker (a separate process), read back by kcat, a
 * client that shares nothing with ours: the documented fields of each event type, its headers and key.
 */
class KafkaEventsIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String EVENTS = "it.file-events." + SUFFIX;
    private static final String AUDIT = "it.audit." + SUFFIX;
    private static final String ALERTS = "it.alerts." + SUFFIX;

    private static TestServer server;
    private static TransferSteps steps;

    @BeforeAll
    static void start() {
        server = TestServer.builder()
                .env("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers())
                .env("KAFKA_TOPIC_FILE_EVENTS", EVENTS)
                .env("KAFKA_TOPIC_AUDIT", AUDIT)
                .env("KAFKA_TOPIC_ALERTS", ALERTS)
                .env("INGESTER_AUDIT_CHECKPOINT_EVERY", "2")
                .env("INGESTER_AUDIT_CHECKPOINT_INTERVAL", "1s")
                .start();
        steps = new TransferSteps(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void uploadTransferAndDeleteEventsArriveWithTheDocumentedFields() {
        byte[] content = Content.random(2048);
        String moved = steps.uploadToEdit("moved.bin", content).path("file_id").asText();
        String tx = steps.transfer(moved).json().path("transaction_id").asText();
        assertThat(steps.awaitEnd(tx).path("status").asText()).isEqualTo("committed");
        String gone = steps.uploadToEdit("gone.bin", Content.random(10)).path("file_id").asText();
        assertThat(steps.delete(gone, Optional.empty()).status()).isEqualTo(200);

        // The topic is the class's: keep to this test's files.
        List<Kcat.Message> messages = awaitMessages(EVENTS, 4, List.of(moved, gone));

        assertThat(messages).hasSize(4);
        Kcat.Message added = only(messages, moved, "file_added");
        Kcat.Message transferred = only(messages, moved, "file_transferred");
        Kcat.Message addedGone = only(messages, gone, "file_added");
        Kcat.Message deleted = only(messages, gone, "file_deleted");
        for (Kcat.Message message : messages) {
            JsonNode json = message.json();
            assertThat(json.path("schema_version").asInt()).isEqualTo(1);
            assertThat(UUID.fromString(json.path("event_id").asText())).isNotNull();
            assertThat(message.headers()).containsEntry("event_id", json.path("event_id").asText())
                    .containsEntry("event_type", json.path("type").asText())
                    .containsEntry("schema_version", "1")
                    .containsEntry("content-type", "application/json");
            assertThat(message.key()).isEqualTo(json.path("file_id").asText());
            assertThat(Instant.parse(json.path("occurred_at").asText())).isNotNull();
            assertThat(json.path("checksum_algorithm").asText()).isEqualTo("sha256");
            assertThat(json.path("vector_clock").isObject()).isTrue();
            assertThat(json.path("vector_clock").size()).isPositive();
            assertThat(json.has("saga_id")).isTrue();
            assertThat(json.has("transaction_id")).isTrue();
        }
        JsonNode a = added.json();
        assertThat(a.path("storage_element_id").asText()).isEqualTo("local-edit");
        assertThat(a.path("mode").asText()).isEqualTo("edit");
        assertThat(a.path("size").asLong()).isEqualTo(content.length);
        assertThat(a.path("checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(a.path("saga_id").asText()).isNotBlank();
        assertThat(a.path("transaction_id").isNull()).isTrue();
        JsonNode t = transferred.json();
        assertThat(t.path("storage_element_id").asText()).isEqualTo("local-rw");
        assertThat(t.path("mode").asText()).isEqualTo("rw");
        assertThat(t.path("transaction_id").asText()).isEqualTo(tx);
        assertThat(t.path("saga_id").isNull()).isTrue();
        assertThat(t.path("checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(a.path("attributes").path("original_filename").asText()).isEqualTo("moved.bin");
        assertThat(t.path("attributes").path("original_filename").asText()).isEqualTo("moved.bin");
        assertThat(t.path("attributes").path("retention_policy").asText()).isEqualTo("permanent");
        assertThat(t.path("attributes").path("ttl_expires_at").isNull()).isTrue();
        // One file's events share a partition, in the order they happened.
        assertThat(transferred.partition()).isEqualTo(added.partition());
        assertThat(transferred.offset()).isGreaterThan(added.offset());
        assertThat(deleted.partition()).isEqualTo(addedGone.partition());
        assertThat(deleted.offset()).isGreaterThan(addedGone.offset());
        assertThat(deleted.json().path("saga_id").asText()).isNotBlank()
                .isNotEqualTo(addedGone.json().path("saga_id").asText());
        Await.until(Duration.ofSeconds(10), "the outbox emptied", () -> server.server().outboxStatus().orElseThrow().depth() == 0);
    }

    @Test
    void theEventsCarryTheFilesAttributesAsKcatReadsThem() {
        byte[] content = Content.random(300);
        Reply uploaded = server.upload("?target_mode=edit", Multipart.form()
                .field("ttl_days", "3")
                .field("description", "east wall, before restoration")
                .field("version", "2")
                .field("metadata", "{\"project\":\"atlas\",\"pages\":3}")
                .file("file", "east wall.tif", "image/tiff", content));
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        String fileId = uploaded.json().path("file_id").asText();
        assertThat(steps.delete(fileId, Optional.empty()).status()).isEqualTo(200);

        List<Kcat.Message> messages = awaitMessages(EVENTS, 2, List.of(fileId));

        for (String type : List.of("file_added", "file_deleted")) {
            JsonNode attributes = only(messages, fileId, type).json().path("attributes");
            assertThat(attributes.path("original_filename").asText()).as(type).isEqualTo("east wall.tif");
            assertThat(attributes.path("content_type").asText()).as(type).isEqualTo("image/tiff");
            assertThat(attributes.path("description").asText()).as(type).isEqualTo("east wall, before restoration");
            assertThat(attributes.path("version").asText()).as(type).isEqualTo("2");
            assertThat(attributes.path("metadata").path("project").asText()).as(type).isEqualTo("atlas");
            assertThat(attributes.path("metadata").path("pages").asInt()).as(type).isEqualTo(3);
            assertThat(attributes.path("metadata").has("ingester")).as(type).isFalse();
            assertThat(attributes.path("created_by").path("username").asText()).as(type).isNotBlank();
            assertThat(Instant.parse(attributes.path("created_at").asText())).as(type).isNotNull();
            assertThat(attributes.path("compressed").asBoolean(true)).as(type).isFalse();
            assertThat(attributes.path("signed").asBoolean(true)).as(type).isFalse();
            assertThat(attributes.path("retention_policy").asText()).as(type).isEqualTo("temporary");
            assertThat(Instant.parse(attributes.path("ttl_expires_at").asText())).as(type)
                    .isAfter(Instant.now().plus(Duration.ofDays(2)));
        }
    }

    @Test
    void anEventCarriesTheTraceOfTheRequestThatMadeIt() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Multipart form = Multipart.form().field("target_mode", "edit").file("file", "traced.bin", "application/octet-stream",
                Content.random(64));
        Reply uploaded = server.send(HttpRequest.newBuilder(server.uri("/api/v1/files/upload"))
                .header("Content-Type", form.contentType()).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        String fileId = uploaded.json().path("file_id").asText();

        Kcat.Message added = only(awaitMessages(EVENTS, 1, List.of(fileId)), fileId, "file_added");

        // The span that published the event is a child in the client's trace: same trace id, a span of its own.
        assertThat(added.headers().get("traceparent")).matches("00-" + traceId + "-[0-9a-f]{16}-0[01]")
                .doesNotContain("00f067aa0ba902b7");
    }

    @Test
    void auditRecordsAndCheckpointsReachTheAuditTopicAsWritten() {
        String fileId = steps.uploadToEdit("audited.bin", Content.random(100)).path("file_id").asText();

        List<Kcat.Message> audit = awaitAudit(fileId);

        Kcat.Message upload = audit.stream().filter(m -> m.payload().contains("\"file.upload\"")
                && m.payload().contains(fileId)).findFirst().orElseThrow();
        // A checkpoint line keeps its signature for consumers that verify it.
        assertThat(audit).filteredOn(m -> "checkpoint".equals(m.headers().get("audit_line_type")))
                .allSatisfy(m -> assertThat(m.json().path("signature").asText()).isNotBlank());
        JsonNode line = upload.json();
        assertThat(line.path("type").asText()).isEqualTo("record");
        assertThat(line.path("outcome").asText()).isEqualTo("succeeded");
        assertThat(line.path("hash").asText()).hasSize(64);
        assertThat(upload.headers()).containsEntry("audit_line_type", "record")
                .containsEntry("audit_seq", line.path("seq").asText())
                .containsEntry("event_id", upload.key() + ":" + line.path("seq").asText());
        // The lines are the file's own, in the file's order: each names the hash of the one before.
        List<Kcat.Message> ordered = audit.stream().filter(m -> m.key().equals(upload.key()))
                .sorted((x, y) -> Long.compare(x.offset(), y.offset())).toList();
        for (int i = 1; i < ordered.size(); i++) {
            assertThat(ordered.get(i).json().path("seq").asLong()).isEqualTo(ordered.get(i - 1).json().path("seq").asLong() + 1);
            assertThat(ordered.get(i).json().path("prev").asText()).isEqualTo(ordered.get(i - 1).json().path("hash").asText());
        }
    }

    @Test
    void aSecurityAlertReachesTheAlertsTopic() {
        byte[] elf = Content.random(64);
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        Reply disguised = server.upload("?target_mode=edit", Multipart.form().file("invoice.pdf", elf));
        assertThat(disguised.status()).isEqualTo(201);
        String fileId = disguised.json().path("file_id").asText();

        List<List<Kcat.Message>> read = new ArrayList<>(List.of(List.of()));
        Await.until(Duration.ofSeconds(60), "the alert on " + ALERTS, () -> {
            read.set(0, Kcat.readAll(KAFKA.bootstrapServers(), ALERTS));
            return read.get(0).stream().anyMatch(m -> m.payload().contains(fileId));
        });

        Kcat.Message alert = read.get(0).stream().filter(m -> m.payload().contains(fileId)).findFirst().orElseThrow();
        JsonNode json = alert.json();
        assertThat(alert.key()).isEqualTo("suspicious_content");
        assertThat(json.path("schema_version").asInt()).isEqualTo(1);
        assertThat(json.path("kind").asText()).isEqualTo("suspicious_content");
        assertThat(json.path("file_id").asText()).isEqualTo(fileId);
        assertThat(json.path("detail").asText()).contains("invoice.pdf");
        assertThat(alert.headers()).containsEntry("event_id", json.path("alert_id").asText())
                .containsEntry("event_type", "suspicious_content");
    }

    private static List<Kcat.Message> awaitAudit(String fileId) {
        List<List<Kcat.Message>> read = new ArrayList<>(List.of(List.of()));
        Await.until(Duration.ofSeconds(60), "the upload's audit record on " + AUDIT, () -> {
            read.set(0, Kcat.readAll(KAFKA.bootstrapServers(), AUDIT));
            return read.get(0).stream().anyMatch(m -> m.payload().contains(fileId))
                    && read.get(0).stream().anyMatch(m -> "checkpoint".equals(m.headers().get("audit_line_type")));
        });
        return read.get(0);
    }

    private static List<Kcat.Message> awaitMessages(String topic, int count, List<String> fileIds) {
        List<List<Kcat.Message>> read = new ArrayList<>(List.of(List.of()));
        Await.until(Duration.ofSeconds(60), count + " messages on " + topic, () -> {
            read.set(0, Kcat.readAll(KAFKA.bootstrapServers(), topic).stream().filter(m -> fileIds.contains(m.key())).toList());
            return read.get(0).size() >= count;
        });
        return read.get(0);
    }

    private static Kcat.Message only(List<Kcat.Message> messages, String fileId, String type) {
        List<Kcat.Message> found = messages.stream()
                .filter(m -> fileId.equals(m.key()) && type.equals(m.json().path("type").asText())).toList();
        assertThat(found).as(type + " of " + fileId).hasSize(1);
        return found.get(0);
    }
}
