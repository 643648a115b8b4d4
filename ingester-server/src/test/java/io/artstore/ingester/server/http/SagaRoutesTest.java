package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The saga API: one saga step by step, the operators' list, and what retry accepts. */
class SagaRoutesTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().adminApi().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void an_upload_names_its_saga_which_shows_every_step_it_took() {
        JsonNode uploaded = upload();

        Reply reply = server.get("/api/v1/sagas/" + uploaded.path("saga_id").asText());

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode saga = reply.json();
        assertThat(saga.path("type").asText()).isEqualTo("add-file");
        assertThat(saga.path("state").asText()).isEqualTo("completed");
        assertThat(saga.path("data").path("file_id").asText()).isEqualTo(uploaded.path("file_id").asText());
        List<String> names = new ArrayList<>();
        saga.path("steps").forEach(step -> {
            names.add(step.path("name").asText());
            assertThat(step.path("state").asText()).as(step.toString()).isEqualTo("succeeded");
            assertThat(step.path("attempts").get(0).path("started_at").asText()).isNotBlank();
            assertThat(step.path("attempts").get(0).path("ended_at").asText()).isNotBlank();
        });
        assertThat(names).containsExactly("reserve-space", "stage-content", "register-file", "publish-stored", "write-signature",
                "record-in-catalogue", "publish-file-added", "release-space");
        assertThat(saga.path("steps").get(3).path("kind").asText()).isEqualTo("pivot");
    }

    @Test
    void a_delete_runs_as_a_saga_too() {
        JsonNode uploaded = upload();

        Reply deleted = server.delete("/api/v1/files/" + uploaded.path("file_id").asText());

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        JsonNode completed = server.get("/api/v1/admin/sagas?state=completed").json();
        assertThat(completed.path("sagas").findValuesAsText("type")).contains("delete-file");
    }

    @Test
    void operators_list_sagas_by_state_and_see_them_in_the_status() {
        upload();

        assertThat(server.get("/api/v1/admin/sagas?state=completed").json().path("count").asInt()).isPositive();
        assertThat(server.get("/api/v1/admin/sagas").json().path("count").asInt()).as("unfinished or parked").isZero();
        JsonNode sagas = server.status().path("sagas");
        assertThat(sagas.path("failed_compensation").asInt()).isZero();
        assertThat(sagas.path("completed_since_start").asLong()).isPositive();
        Reply wrong = server.get("/api/v1/admin/sagas?state=sleeping");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.code()).isEqualTo("invalid_state");
    }

    @Test
    void only_a_parked_saga_can_be_retried() {
        JsonNode uploaded = upload();

        Reply completed = server.post("/api/v1/admin/sagas/" + uploaded.path("saga_id").asText() + "/retry", "application/json", new byte[0]);
        Reply unknown = server.post("/api/v1/admin/sagas/no-such-saga/retry", "application/json", new byte[0]);

        assertThat(completed.status()).as(completed.body()).isEqualTo(409);
        assertThat(completed.code()).isEqualTo("saga_not_parked");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("saga_not_found");
        assertThat(server.get("/api/v1/sagas/no-such-saga").code()).isEqualTo("saga_not_found");
    }

    private static JsonNode upload() {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("a.txt", Content.random(100)));
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }
}
