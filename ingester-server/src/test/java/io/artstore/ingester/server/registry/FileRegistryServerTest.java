package io.artstore.ingester.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TransferSteps;
import io.artstore.ingester.storage.registry.fixture.AdminAccounts;
import io.artstore.ingester.storage.registry.fixture.AdminModuleServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Uploads, transfers and deletes through the HTTP API reach the admin-module fixture's registry as the contract says. */
class FileRegistryServerTest {

    private static final String CLIENT_ID = "sa_test_ingester_1a2b3c4d";
    private static final String SECRET = "server-test-secret";

    private final AdminModuleServer admin = AdminModuleServer.start(
            new AdminAccounts().serviceAccount(CLIENT_ID, SECRET, "admin", 10_000));
    private final TestServer server = TestServer.builder()
            .registry(admin.url(), CLIENT_ID, SECRET)
            .start();

    @AfterEach
    void close() {
        server.close();
        admin.close();
    }

    @Test
    void an_upload_registers_the_elements_names_the_original_bytes_and_the_clients_metadata() throws Exception {
        byte[] content = "a report that compresses well ".repeat(100).getBytes(StandardCharsets.UTF_8);
        Reply reply = server.upload("?target_mode=edit&ttl_days=7&compress=true&compression_algorithm=gzip",
                Multipart.form().field("description", "quarterly").field("metadata", "{\"case\":\"A-17\"}")
                        .file("file", "report.txt", "text/plain", content));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        String id = reply.json().path("file_id").asText();
        JsonNode file = server.get("/api/v1/files/" + id).json();

        JsonNode entry = awaitEntry(id);
        assertThat(entry.path("original_filename").asText()).isEqualTo("report.txt");
        assertThat(entry.path("storage_filename").asText()).isEqualTo(file.path("storage_filename").asText());
        assertThat(entry.path("storage_path").asText()).isEqualTo(file.path("storage_path").asText());
        assertThat(entry.path("storage_element_id").asText()).isEqualTo("local-edit");
        assertThat(entry.path("file_size").asLong()).isEqualTo(content.length);
        assertThat(entry.path("original_size").asLong()).isEqualTo(content.length);
        assertThat(entry.path("checksum_sha256").asText()).isEqualTo(sha256(content));
        assertThat(entry.path("compressed").asBoolean()).isTrue();
        assertThat(entry.path("compression_algorithm").asText()).isEqualTo("gzip");
        assertThat(entry.path("content_type").asText()).isEqualTo("text/plain");
        assertThat(entry.path("description").asText()).isEqualTo("quarterly");
        assertThat(entry.path("retention_policy").asText()).isEqualTo("temporary");
        assertThat(entry.path("ttl_days").asInt()).isEqualTo(7);
        assertThat(entry.path("ttl_expires_at").asText()).isEqualTo(reply.json().path("ttl_expires_at").asText());
        assertThat(entry.path("uploaded_by").asText()).isEqualTo("anonymous");
        assertThat(entry.path("upload_source_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(entry.path("user_metadata").toString()).isEqualTo("{\"case\":\"A-17\"}");
        assertThat(admin.creations(id)).isEqualTo(1);
    }

    @Test
    void a_transfer_marks_the_entry_permanent_and_a_delete_soft_deletes_it() {
        TransferSteps steps = new TransferSteps(server);
        String moved = steps.uploadToEdit("moved.txt", "moved".getBytes(StandardCharsets.UTF_8)).path("file_id").asText();
        String deleted = steps.uploadToEdit("deleted.txt", "deleted".getBytes(StandardCharsets.UTF_8)).path("file_id").asText();

        assertThat(steps.awaitEnd(steps.started(moved)).path("status").asText()).isEqualTo("committed");
        assertThat(steps.delete(deleted, Optional.empty()).status()).isIn(200, 204);

        TestServer.await("the registry is up to date", () -> server.status().path("registry").path("pending").asLong() == 0
                && admin.entry(moved).map(e -> e.path("is_finalized").asBoolean()).orElse(false)
                && admin.entry(deleted).map(e -> e.path("is_deleted").asBoolean()).orElse(false));
        JsonNode permanent = admin.entry(moved).orElseThrow();
        JsonNode onRw = server.get("/api/v1/files/" + moved).json();
        assertThat(permanent.path("retention_policy").asText()).isEqualTo("permanent");
        assertThat(permanent.path("storage_element_id").asText()).isEqualTo("local-rw");
        assertThat(permanent.path("storage_path").asText()).isEqualTo(onRw.path("storage_path").asText());
        assertThat(permanent.path("ttl_days").isNull()).isTrue();
        assertThat(admin.entry(deleted).orElseThrow().path("deletion_reason").asText()).isEqualTo("manual");
    }

    @Test
    void the_status_shows_the_backlog_while_the_admin_module_is_down() {
        admin.down();
        server.upload("?target_mode=rw", Multipart.form().file("file", "a.txt", "text/plain", new byte[] {1, 2, 3}));

        TestServer.await("a failure is reported", () -> !server.status().path("registry").path("last_error").isNull());
        JsonNode registry = server.status().path("registry");
        assertThat(registry.path("enabled").asBoolean()).isTrue();
        assertThat(registry.path("pending").asLong()).isEqualTo(1);
        assertThat(registry.path("oldest_pending_age_seconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(registry.path("last_error").path("message").asText()).contains("cannot reach the admin module");
        assertThat(server.status().path("configuration").path("registry").path("client_secret").asText()).isEqualTo("********");

        admin.up();
        TestServer.await("the backlog is delivered", () -> server.status().path("registry").path("pending").asLong() == 0);
        assertThat(admin.entries()).hasSize(1);
    }

    private JsonNode awaitEntry(String id) {
        TestServer.await("file " + id + " is registered", () -> admin.entry(id).isPresent());
        return admin.entry(id).orElseThrow();
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
