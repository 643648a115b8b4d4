package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status document's account of what happened lately, from a running server. */
class StatusActivityRoutesTest {

    @Test
    void an_upload_shows_as_a_recent_saga_with_every_step_succeeded() {
        try (TestServer server = TestServer.start()) {
            JsonNode before = server.status();
            assertThat(before.path("recent_sagas")).isEmpty();
            assertThat(before.path("recent_transfers")).isEmpty();
            assertThat(before.path("alerts").path("total_since_start").asLong()).isZero();
            assertThat(before.path("samples").path("interval_seconds").asDouble()).isEqualTo(5.0);

            Reply uploaded = server.upload(Multipart.form().field("target_mode", "edit")
                    .file("recent.txt", "a recent upload".getBytes(StandardCharsets.UTF_8)));
            assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);

            JsonNode sagas = server.status().path("recent_sagas");
            assertThat(sagas).hasSize(1);
            JsonNode saga = sagas.get(0);
            assertThat(saga.path("type").asText()).isEqualTo("add-file");
            assertThat(saga.path("state").asText()).isEqualTo("completed");
            assertThat(saga.path("file_id").asText()).isEqualTo(uploaded.json().path("file_id").asText());
            List<String> steps = new ArrayList<>();
            saga.path("steps").forEach(step -> steps.add(step.path("name").asText() + "=" + step.path("state").asText()));
            assertThat(steps).contains("reserve-space=succeeded", "stage-content=succeeded", "record-in-catalogue=succeeded")
                    .allSatisfy(step -> assertThat(step).endsWith("=succeeded"));
        }
    }

    @Test
    void a_transfer_shows_with_its_committed_phases() {
        try (TestServer server = TestServer.start()) {
            Reply uploaded = server.upload(Multipart.form().field("target_mode", "edit")
                    .file("moved.txt", "a file to move".getBytes(StandardCharsets.UTF_8)));
            String fileId = uploaded.json().path("file_id").asText();

            Reply transfer = server.post("/api/v1/files/" + fileId + "/transfer", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(transfer.status()).as(transfer.toString()).isBetween(200, 202);

            TestServer.await("the transfer is listed as committed", () -> {
                JsonNode transfers = server.status().path("recent_transfers");
                return transfers.size() == 1 && transfers.get(0).path("state").asText().equals("committed");
            });
            JsonNode shown = server.status().path("recent_transfers").get(0);
            assertThat(shown.path("file_id").asText()).isEqualTo(fileId);
            assertThat(shown.path("source").asText()).isEqualTo("local-edit");
            assertThat(shown.path("target").asText()).isEqualTo("local-rw");
            List<String> phases = new ArrayList<>();
            shown.path("steps").forEach(step -> phases.add(step.path("name").asText() + "=" + step.path("state").asText()));
            assertThat(phases).containsExactly("prepare=succeeded", "decide=commit", "finish=succeeded");
        }
    }
}
