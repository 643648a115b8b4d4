package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FileRoutesTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_stored_file_is_found_with_its_attributes() {
        byte[] content = Content.random(4096);
        JsonNode uploaded = upload("edit", Multipart.form().field("description", "minutes").field("version", "2")
                .field("metadata", "{\"team\":\"north\"}").field("ttl_days", "7").file("file", "minutes.txt", "text/plain", content));

        Reply reply = server.get("/api/v1/files/" + uploaded.path("file_id").asText());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode json = reply.json();
        for (String field : new String[] {"file_id", "original_filename", "storage_filename", "file_size", "stored_size",
                "compressed", "checksum", "stored_checksum", "storage_element_id", "storage_element_url", "mode",
                "retention_policy", "ttl_expires_at", "uploaded_at"}) {
            assertThat(json.path(field)).as(field).isEqualTo(uploaded.path(field));
        }
        assertThat(json.path("description").asText()).isEqualTo("minutes");
        assertThat(json.path("version").asText()).isEqualTo("2");
        assertThat(json.path("content_type").asText()).isEqualTo("text/plain");
        assertThat(json.path("metadata").path("team").asText()).isEqualTo("north");
        assertThat(json.path("metadata").has("ingester")).isFalse();
        assertThat(json.path("storage_path").asText()).matches("\\d{4}/\\d{2}/\\d{2}/\\d{2}/");
        assertThat(json.path("created_by_username").asText()).isEqualTo("anonymous");
    }

    @Test
    void an_unknown_file_is_404_and_a_malformed_id_400() {
        Reply unknown = server.get("/api/v1/files/" + UUID.randomUUID());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("file_not_found");

        Reply malformed = server.get("/api/v1/files/not-a-uuid");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("invalid_file_id");
    }

    @Test
    void a_file_on_an_edit_element_is_deleted_from_disk() {
        JsonNode uploaded = upload("edit", Multipart.form().file("draft.txt", Content.random(100)));
        Path stored = server.storedFile(uploaded);
        String id = uploaded.path("file_id").asText();

        Reply reply = server.delete("/api/v1/files/" + id);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().path("file_id").asText()).isEqualTo(id);
        assertThat(reply.json().path("deleted").asBoolean()).isTrue();
        assertThat(reply.json().path("storage_element_id").asText()).isEqualTo("local-edit");
        assertThat(stored).doesNotExist();
        assertThat(stored.resolveSibling(stored.getFileName() + ".attr.json")).doesNotExist();
        assertThat(server.get("/api/v1/files/" + id).status()).isEqualTo(404);
        assertThat(server.delete("/api/v1/files/" + id).code()).isEqualTo("file_not_found");
    }

    @Test
    void a_delete_answers_with_its_saga_which_the_saga_api_shows_completed() {
        String id = upload("edit", Multipart.form().file("draft.txt", Content.random(100))).path("file_id").asText();

        Reply reply = server.delete("/api/v1/files/" + id);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        String sagaId = reply.json().path("saga_id").asText();
        assertThat(sagaId).as(reply.toString()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        Reply saga = server.get("/api/v1/sagas/" + sagaId);
        assertThat(saga.status()).as(saga.toString()).isEqualTo(200);
        assertThat(saga.json().path("type").asText()).isEqualTo("delete-file");
        assertThat(saga.json().path("state").asText()).isEqualTo("completed");
    }

    @Test
    void a_file_on_an_rw_element_is_not_deleted() {
        JsonNode uploaded = upload("rw", Multipart.form().file("final.txt", Content.random(100)));
        Path stored = server.storedFile(uploaded);

        Reply reply = server.delete("/api/v1/files/" + uploaded.path("file_id").asText());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(409);
        assertThat(reply.code()).isEqualTo("wrong_mode");
        assertThat(stored).exists();
        assertThat(server.get("/api/v1/files/" + uploaded.path("file_id").asText()).status()).isEqualTo(200);
    }

    @Test
    void deleting_an_unknown_or_malformed_id_is_refused() {
        Reply unknown = server.delete("/api/v1/files/" + UUID.randomUUID());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("file_not_found");

        Reply malformed = server.delete("/api/v1/files/12345");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("invalid_file_id");
    }

    private static JsonNode upload(String mode, Multipart form) {
        Reply reply = server.upload("?target_mode=" + mode, form);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.json();
    }
}
