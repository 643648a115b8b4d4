package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.clock.ClockOrder;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TransferSteps;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VectorClockHeaderTest {

    private static final NodeId NODE = NodeId.of("ingester-test-1");

    private static TestServer server;
    private static TransferSteps steps;

    @BeforeAll
    static void start() {
        server = TestServer.builder().env("INGESTER_NODE_ID", NODE.value()).start();
        steps = new TransferSteps(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void every_state_changing_response_carries_the_clock_of_this_instance() {
        Reply upload = server.upload("?target_mode=edit", Multipart.form().file("a.bin", Content.random(100)));
        String fileId = upload.json().path("file_id").asText();
        Reply transfer = steps.transfer(fileId);
        steps.awaitEnd(transfer.json().path("transaction_id").asText());
        Reply refusedDelete = steps.delete(UUID.randomUUID().toString(), Optional.empty());
        Reply deleted = steps.delete(steps.uploadToEdit("b.bin", Content.random(100)).path("file_id").asText(), Optional.empty());

        assertThat(deleted.status()).isEqualTo(200);
        for (Reply reply : new Reply[] {upload, transfer, refusedDelete, deleted}) {
            assertThat(clockOf(reply)).as(reply.toString()).hasValueSatisfying(clock ->
                    assertThat(clock.get(NODE)).isPositive());
        }
        assertThat(clockOf(transfer).orElseThrow().compare(clockOf(upload).orElseThrow())).isEqualTo(ClockOrder.AFTER);
        assertThat(clockOf(refusedDelete).orElseThrow().compare(clockOf(transfer).orElseThrow())).isEqualTo(ClockOrder.AFTER);
    }

    @Test
    void a_clock_sent_by_the_client_is_merged_into_the_answer() {
        Multipart form = Multipart.form().file("merged.bin", Content.random(100));
        Reply upload = server.send(HttpRequest.newBuilder(server.uri("/api/v1/files/upload?target_mode=edit"))
                .header("Content-Type", form.contentType())
                .header(TransferSteps.CLOCK_HEADER, "ingester-peer-7:41")
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
        VectorClock answered = clockOf(upload).orElseThrow();

        assertThat(upload.status()).as(upload.toString()).isEqualTo(201);
        assertThat(answered.get(NodeId.of("ingester-peer-7"))).isEqualTo(41);
        assertThat(answered.get(NODE)).isPositive();
    }

    @Test
    void a_malformed_clock_is_refused_with_400_before_anything_happens() {
        String fileId = steps.uploadToEdit("kept.bin", Content.random(100)).path("file_id").asText();

        Reply reply = steps.delete(fileId, Optional.of("node-a:zero"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("invalid_vector_clock");
        assertThat(reply.json().path("message").asText()).contains("X-ArtStore-Vector-Clock");
        assertThat(server.get("/api/v1/files/" + fileId).status()).isEqualTo(200);
        Reply badTransfer = steps.post("/api/v1/files/" + fileId + "/transfer", "", Optional.of("a:1,a:2"));
        assertThat(badTransfer.code()).isEqualTo("invalid_vector_clock");
    }

    @Test
    void a_delete_whose_clock_is_concurrent_with_the_files_last_change_is_refused_with_409() {
        Reply upload = server.upload("?target_mode=edit", Multipart.form().file("contested.bin", Content.random(100)));
        String fileId = upload.json().path("file_id").asText();
        VectorClock seenUpload = clockOf(upload).orElseThrow();

        Reply stale = steps.delete(fileId, Optional.of("other-client:3"));

        assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
        assertThat(stale.code()).isEqualTo("concurrent_operation");
        assertThat(clockOf(stale)).isPresent();
        assertThat(server.get("/api/v1/files/" + fileId).status()).as("not deleted").isEqualTo(200);

        Reply informed = steps.delete(fileId, Optional.of(seenUpload.merge(VectorClock.parse("other-client:3")).toText()));

        assertThat(informed.status()).as(informed.toString()).isEqualTo(200);
    }

    @Test
    void a_transfer_whose_clock_is_concurrent_with_the_files_last_change_is_refused_with_409() {
        Reply upload = server.upload("?target_mode=edit", Multipart.form().file("raced.bin", Content.random(100)));
        String fileId = upload.json().path("file_id").asText();

        Reply stale = steps.post("/api/v1/files/" + fileId + "/transfer", "", Optional.of("other-client:9"));
        Reply staleAlias = steps.post("/api/v1/finalize/" + fileId, "", Optional.of("other-client:9"));

        assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
        assertThat(stale.code()).isEqualTo("concurrent_operation");
        assertThat(staleAlias.code()).isEqualTo("concurrent_operation");
        assertThat(server.get("/api/v1/files/" + fileId).json().path("storage_element_id").asText()).isEqualTo("local-edit");

        Reply unchecked = steps.transfer(fileId);
        Reply informed = steps.post("/api/v1/files/" + UUID.randomUUID() + "/transfer", "",
                Optional.of(clockOf(upload).orElseThrow().toText()));

        assertThat(unchecked.status()).as("a request without a clock is not checked").isEqualTo(202);
        assertThat(informed.code()).as("a clock that saw everything passes the check").isEqualTo("file_not_found");
    }

    @Test
    void reads_need_no_clock() {
        Reply status = server.get("/api/v1/status");

        assertThat(status.status()).isEqualTo(200);
        assertThat(status.headers().firstValue(TransferSteps.CLOCK_HEADER)).isEmpty();
        assertThat(server.get("/api/v1/files/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void an_instance_without_a_configured_node_id_generates_one_and_keeps_it() throws IOException {
        try (TestServer generated = TestServer.start()) {
            String kept = Files.readString(generated.dataDir().resolve("node-id"), StandardCharsets.US_ASCII).strip();

            Reply upload = generated.upload("?target_mode=edit", Multipart.form().file("x.bin", Content.random(10)));

            assertThat(kept).startsWith("ingester-");
            assertThat(clockOf(upload).orElseThrow().get(NodeId.of(kept))).isPositive();
            JsonNode event = lastEvent(generated);
            assertThat(VectorClock.parse(event.path("vector_clock").asText()).get(NodeId.of(kept))).isPositive();
        }
    }

    private static JsonNode lastEvent(TestServer target) throws IOException {
        String[] lines = Files.readString(target.dataDir().resolve("events").resolve("events.jsonl")).strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static Optional<VectorClock> clockOf(Reply reply) {
        return reply.headers().firstValue(TransferSteps.CLOCK_HEADER).map(VectorClock::parse);
    }
}
