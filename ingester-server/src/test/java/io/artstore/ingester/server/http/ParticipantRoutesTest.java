package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/saga/commands} with authentication off and the admin API on (its rule in that mode); with
 * authentication on see {@code security.SagaCommandsAccessTest}.
 */
class ParticipantRoutesTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().adminApi().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String upload() {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("a.txt", Content.random(2000)));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.json().path("file_id").asText();
    }

    private static Reply command(String sagaId, String action, String operation, String payload) {
        String json = "{\"saga_id\":\"" + sagaId + "\",\"step\":1,\"action\":\"" + action + "\",\"operation\":\""
                + operation + "\",\"payload\":" + payload + ",\"vector_clock\":{\"admin-module\":41}}";
        return server.post("/api/v1/saga/commands", "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String saga() {
        return "saga-" + UUID.randomUUID();
    }

    @Test
    void a_delete_sent_twice_deletes_once_and_answers_the_same_reply() {
        String fileId = upload();
        String sagaId = saga();

        Reply first = command(sagaId, "execute", "delete_file", "{\"file_id\":\"" + fileId + "\"}");
        assertThat(server.get("/api/v1/files/" + fileId).status()).isEqualTo(404);
        int sagas = server.sagaCount();
        Reply second = command(sagaId, "execute", "delete_file", "{\"file_id\":\"" + fileId + "\"}");

        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        JsonNode reply = first.json();
        assertThat(reply.path("saga_id").asText()).isEqualTo(sagaId);
        assertThat(reply.path("step").isInt()).isTrue();
        assertThat(reply.path("action").asText()).isEqualTo("execute");
        assertThat(reply.path("outcome").asText()).isEqualTo("succeeded");
        assertThat(reply.path("error_code").isNull()).isTrue();
        assertThat(reply.path("result").path("file_id").asText()).isEqualTo(fileId);
        assertThat(reply.path("vector_clock").path("admin-module").asLong()).isEqualTo(41);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(server.sagaCount()).as("no second delete saga").isEqualTo(sagas);
    }

    @Test
    void a_compensate_before_the_execute_leaves_the_file_and_the_late_execute_does_nothing() {
        String fileId = upload();
        String sagaId = saga();

        Reply compensated = command(sagaId, "compensate", "delete_file", "{\"file_id\":\"" + fileId + "\"}");
        Reply late = command(sagaId, "execute", "delete_file", "{\"file_id\":\"" + fileId + "\"}");

        assertThat(compensated.status()).as(compensated.toString()).isEqualTo(200);
        assertThat(compensated.json().path("outcome").asText()).isEqualTo("compensated");
        assertThat(compensated.json().path("result").path("empty_compensation").asBoolean()).isTrue();
        assertThat(late.json().path("outcome").asText()).isEqualTo("ignored");
        assertThat(late.json().path("error_code").asText()).isEqualTo("compensated_before_execute");
        assertThat(server.get("/api/v1/files/" + fileId).status()).isEqualTo(200);
    }

    @Test
    void a_transfer_moves_the_file_to_rw_and_cannot_be_compensated_afterwards() {
        String fileId = upload();
        String sagaId = saga();

        Reply executed = command(sagaId, "execute", "transfer_file", "{\"file_id\":\"" + fileId + "\"}");
        Reply compensated = command(sagaId, "compensate", "transfer_file", "{\"file_id\":\"" + fileId + "\"}");

        assertThat(executed.status()).as(executed.toString()).isEqualTo(200);
        assertThat(executed.json().path("outcome").asText()).isEqualTo("succeeded");
        assertThat(executed.json().path("result").path("target_storage_element_id").asText()).isEqualTo("local-rw");
        assertThat(server.get("/api/v1/files/" + fileId).json().path("mode").asText()).isEqualTo("rw");
        assertThat(compensated.json().path("outcome").asText()).isEqualTo("failed");
        assertThat(compensated.json().path("error_code").asText()).isEqualTo("not_compensable");
    }

    @Test
    void a_failed_execute_is_final_and_its_compensate_has_nothing_to_undo() {
        String sagaId = saga();
        String missing = UUID.randomUUID().toString();

        Reply executed = command(sagaId, "execute", "delete_file", "{\"file_id\":\"" + missing + "\"}");
        Reply compensated = command(sagaId, "compensate", "delete_file", "{\"file_id\":\"" + missing + "\"}");

        assertThat(executed.json().path("outcome").asText()).as(executed.toString()).isEqualTo("failed");
        assertThat(executed.json().path("error_code").asText()).isEqualTo("file_not_found");
        assertThat(compensated.json().path("outcome").asText()).isEqualTo("compensated");
        assertThat(compensated.json().path("result").path("nothing_to_undo").asBoolean()).isTrue();
    }

    @Test
    void a_malformed_command_is_refused_with_400_and_records_nothing() {
        String fileId = upload();
        Reply bad = server.post("/api/v1/saga/commands", "application/json",
                ("{\"saga_id\":\"s\",\"step\":1,\"action\":\"delete\",\"operation\":\"delete_file\",\"payload\":{\"file_id\":\""
                        + fileId + "\"}}").getBytes(StandardCharsets.UTF_8));
        Reply notJson = server.post("/api/v1/saga/commands", "application/json", "{".getBytes(StandardCharsets.UTF_8));
        Reply huge = server.post("/api/v1/saga/commands", "application/json", new byte[300_000]);

        for (Reply reply : new Reply[] {bad, notJson, huge}) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
            assertThat(reply.code()).isEqualTo("invalid_saga_command");
        }
        assertThat(server.get("/api/v1/files/" + fileId).status()).isEqualTo(200);
    }

    @Test
    void an_unknown_operation_fails_without_a_trace() {
        Reply reply = command(saga(), "execute", "format_disk", "{}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("outcome").asText()).isEqualTo("failed");
        assertThat(reply.json().path("error_code").asText()).isEqualTo("unknown_operation");
        assertThat(reply.json().path("error_message").asText()).contains("delete_file", "transfer_file");
    }

    @Test
    void without_authentication_and_without_the_admin_api_the_route_is_off() {
        try (TestServer plain = TestServer.start()) {
            Reply upload = plain.upload(Multipart.form().field("target_mode", "edit").file("a.txt", Content.random(100)));
            String fileId = upload.json().path("file_id").asText();
            Reply reply = plain.post("/api/v1/saga/commands", "application/json", ("{\"saga_id\":\"s\",\"step\":1,"
                    + "\"action\":\"execute\",\"operation\":\"delete_file\",\"payload\":{\"file_id\":\"" + fileId + "\"}}")
                    .getBytes(StandardCharsets.UTF_8));

            assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
            assertThat(reply.code()).isEqualTo("admin_api_disabled");
            assertThat(plain.get("/api/v1/files/" + fileId).status()).isEqualTo(200);
        }
    }
}
