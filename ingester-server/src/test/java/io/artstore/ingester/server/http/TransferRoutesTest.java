package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.PauseAfterCommitDecision;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TransferSteps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TransferRoutesTest {

    private static TestServer server;
    private static TransferSteps steps;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        steps = new TransferSteps(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_transfer_is_accepted_at_once_and_moves_the_file_to_rw_keeping_its_id() {
        byte[] content = Content.random(64 * 1024);
        JsonNode uploaded = steps.uploadToEdit("survey.bin", content);
        String fileId = uploaded.path("file_id").asText();

        Reply accepted = steps.transfer(fileId);

        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode json = accepted.json();
        String tx = json.path("transaction_id").asText();
        assertThat(UUID.fromString(tx)).isNotNull();
        assertThat(json.path("file_id").asText()).isEqualTo(fileId);
        assertThat(json.path("status").asText()).isEqualTo("preparing");
        assertThat(json.path("source_storage_element_id").asText()).isEqualTo("local-edit");
        assertThat(json.path("target_storage_element_id").asText()).isEqualTo("local-rw");
        assertThat(Instant.parse(json.path("created_at").asText())).isNotNull();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/api/v1/transfers/" + tx);

        JsonNode ended = steps.awaitEnd(tx);

        assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("committed");
        assertThat(ended.path("progress_percent").asInt()).isEqualTo(100);
        assertThat(ended.path("checksum_verified").asBoolean()).isTrue();
        assertThat(ended.path("error").isNull()).isTrue();
        assertThat(Instant.parse(ended.path("completed_at").asText())).isAfterOrEqualTo(Instant.parse(ended.path("created_at").asText()));
        assertThat(Instant.parse(ended.path("updated_at").asText())).isNotNull();
        JsonNode located = server.get("/api/v1/files/" + fileId).json();
        assertThat(located.path("storage_element_id").asText()).isEqualTo("local-rw");
        assertThat(located.path("mode").asText()).isEqualTo("rw");
        assertThat(located.path("checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(steps.filesOf("local-edit", fileId)).isEmpty();
        assertThat(steps.filesOf("local-rw", fileId)).hasSize(2);
    }

    @Test
    void a_transfer_goes_to_the_element_the_body_names() {
        String fileId = steps.uploadToEdit("named.bin", Content.random(300)).path("file_id").asText();

        Reply accepted = steps.post("/api/v1/files/" + fileId + "/transfer", "{\"target_storage_element_id\":\"local-rw\"}",
                Optional.empty());

        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        assertThat(accepted.json().path("target_storage_element_id").asText()).isEqualTo("local-rw");
        assertThat(steps.awaitEnd(accepted.json().path("transaction_id").asText()).path("status").asText()).isEqualTo("committed");
    }

    @Test
    void the_artstore_aliases_start_and_follow_a_transfer_with_their_field_names() {
        String fileId = steps.uploadToEdit("finalize.bin", Content.random(500)).path("file_id").asText();

        Reply accepted = steps.post("/api/v1/finalize/" + fileId, "", Optional.empty());

        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode json = accepted.json();
        assertThat(json.fieldNames()).toIterable().containsExactlyInAnyOrder("transaction_id", "file_id", "status",
                "source_storage_element_id", "target_storage_element_id", "checksum_verified", "finalized_at",
                "new_storage_path", "cleanup_scheduled_at", "error_message", "message");
        assertThat(json.path("file_id").asText()).isEqualTo(fileId);
        assertThat(json.path("status").asText()).isIn("copying", "copied", "verifying", "completed");
        assertThat(json.path("source_storage_element_id").asText()).isEqualTo("local-edit");
        assertThat(json.path("target_storage_element_id").asText()).isEqualTo("local-rw");
        assertThat(json.path("checksum_verified").isBoolean()).isTrue();
        assertThat(json.path("finalized_at").isNull()).isTrue();
        assertThat(json.path("new_storage_path").isNull()).isTrue();
        assertThat(json.path("cleanup_scheduled_at").isNull()).isTrue();
        assertThat(json.path("error_message").isNull()).isTrue();
        assertThat(json.path("message").asText()).contains(fileId);
        String tx = json.path("transaction_id").asText();
        steps.awaitEnd(tx);

        Reply status = server.get("/api/v1/finalize/" + tx + "/status");

        assertThat(status.status()).isEqualTo(200);
        JsonNode body = status.json();
        assertThat(body.fieldNames()).toIterable().containsExactlyInAnyOrder("transaction_id", "file_id", "status",
                "progress_percent", "created_at", "completed_at", "error_message", "state", "source_storage_element_id",
                "target_storage_element_id", "checksum_verified");
        assertThat(body.path("transaction_id").asText()).isEqualTo(tx);
        assertThat(body.path("status").asText()).isEqualTo("completed");
        assertThat(body.path("state").asText()).isEqualTo("committed");
        assertThat(body.path("progress_percent").isDouble()).isTrue();
        assertThat(body.path("progress_percent").asDouble()).isEqualTo(100.0);
        assertThat(body.path("source_storage_element_id").asText()).isEqualTo("local-edit");
        assertThat(body.path("target_storage_element_id").asText()).isEqualTo("local-rw");
        assertThat(body.path("checksum_verified").asBoolean()).isTrue();
        assertThat(body.path("created_at").isTextual()).isTrue();
        assertThat(body.path("completed_at").isTextual()).isTrue();
        assertThat(body.path("error_message").isNull()).isTrue();
    }

    @Test
    void the_finalize_alias_takes_the_artstore_request_fields() {
        String fileId = steps.uploadToEdit("fields.bin", Content.random(300)).path("file_id").asText();
        String path = "/api/v1/finalize/" + fileId;

        Reply described = steps.post(path, "{\"description\":\"final\"}", Optional.empty());
        assertThat(described.status()).as(described.toString()).isEqualTo(400);
        assertThat(described.code()).isEqualTo("unsupported_field");
        assertThat(steps.post(path, "{\"metadata\":{\"a\":1}}", Optional.empty()).code()).isEqualTo("unsupported_field");
        assertThat(steps.post(path, "{\"other\":1}", Optional.empty()).code()).isEqualTo("unknown_field");

        Reply accepted = steps.post(path, "{\"target_storage_element_id\":\"local-rw\",\"description\":null,\"metadata\":null}",
                Optional.empty());

        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        assertThat(server.get("/api/v1/finalize/" + accepted.json().path("transaction_id").asText() + "/status").status())
                .isEqualTo(200);
        steps.awaitEnd(accepted.json().path("transaction_id").asText());
    }

    @Test
    void finalizing_a_file_already_on_an_rw_element_is_refused_with_409() {
        Reply upload = server.upload("?retention_policy=permanent", Multipart.form().file("final.bin", Content.random(200)));
        assertThat(upload.status()).as(upload.toString()).isEqualTo(201);

        Reply reply = steps.post("/api/v1/finalize/" + upload.json().path("file_id").asText(), "", Optional.empty());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(409);
        assertThat(reply.code()).isEqualTo("wrong_mode");
    }

    @Test
    void an_unknown_or_malformed_file_is_refused() {
        Reply unknown = steps.transfer(UUID.randomUUID().toString());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("file_not_found");

        Reply malformed = steps.transfer("not-a-uuid");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("invalid_file_id");

        Reply aliasUnknown = steps.post("/api/v1/finalize/" + UUID.randomUUID(), "", Optional.empty());
        assertThat(aliasUnknown.status()).isEqualTo(404);
        assertThat(aliasUnknown.code()).isEqualTo("file_not_in_catalogue");
        assertThat(aliasUnknown.json().path("message").asText()).contains("catalogue");
        assertThat(steps.post("/api/v1/finalize/not-a-uuid", "", Optional.empty()).code()).isEqualTo("invalid_file_id");
    }

    @Test
    void a_file_that_is_not_on_an_edit_element_is_refused_with_409() {
        Reply upload = server.upload("?target_mode=rw", Multipart.form().file("final.bin", Content.random(200)));
        String fileId = upload.json().path("file_id").asText();

        Reply reply = steps.transfer(fileId);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(409);
        assertThat(reply.code()).isEqualTo("wrong_mode");
    }

    @Test
    void a_bad_body_or_target_is_refused_and_leaves_the_file_where_it_was() {
        String fileId = steps.uploadToEdit("bodies.bin", Content.random(400)).path("file_id").asText();
        String path = "/api/v1/files/" + fileId + "/transfer";

        assertThat(steps.post(path, "{not json", Optional.empty()).code()).isEqualTo("invalid_body");
        assertThat(steps.post(path, "[1]", Optional.empty()).code()).isEqualTo("invalid_body");
        assertThat(steps.post(path, "{\"target\":\"x\"}", Optional.empty()).code()).isEqualTo("unknown_field");
        assertThat(steps.post(path, "{\"target_storage_element_id\":7}", Optional.empty()).code())
                .isEqualTo("invalid_storage_element_id");
        Reply unknownTarget = steps.post(path, "{\"target_storage_element_id\":\"nowhere\"}", Optional.empty());
        assertThat(unknownTarget.status()).isEqualTo(400);
        assertThat(unknownTarget.code()).isEqualTo("unknown_storage_element");
        Reply editTarget = steps.post(path, "{\"target_storage_element_id\":\"local-edit\"}", Optional.empty());
        assertThat(editTarget.status()).isEqualTo(409);
        assertThat(editTarget.code()).isEqualTo("wrong_mode");

        assertThat(server.get("/api/v1/files/" + fileId).json().path("storage_element_id").asText()).isEqualTo("local-edit");
        assertThat(steps.transfer(fileId).status()).as("the file is not left locked").isEqualTo(202);
    }

    @Test
    void an_unknown_or_malformed_transaction_is_refused() {
        Reply unknown = server.get("/api/v1/transfers/" + UUID.randomUUID());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("transfer_not_found");
        assertThat(server.get("/api/v1/finalize/" + UUID.randomUUID() + "/status").code()).isEqualTo("transfer_not_found");

        Reply malformed = server.get("/api/v1/transfers/abc");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("invalid_transaction_id");
        assertThat(server.get("/api/v1/finalize/abc/status").code()).isEqualTo("invalid_transaction_id");
    }

    @Test
    void the_status_document_counts_transfers() {
        long committedBefore = server.status().path("transfers").path("committed").asLong();
        String fileId = steps.uploadToEdit("counted.bin", Content.random(100)).path("file_id").asText();
        steps.awaitEnd(steps.started(fileId));

        JsonNode transfers = server.status().path("transfers");

        assertThat(transfers.path("committed").asLong()).isGreaterThan(committedBefore);
        for (String field : new String[] {"in_flight", "committed", "aborted", "heuristic"}) {
            assertThat(transfers.path(field).isIntegralNumber()).as(field).isTrue();
        }
        assertThat(transfers.path("heuristic").asLong()).isZero();
    }

    @Test
    void the_stores_of_transfers_and_clocks_live_under_the_data_folder() {
        Path data = server.dataDir();
        assertThat(data.resolve("transactions").resolve("transfers.log")).exists();
        assertThat(data.resolve("locks")).isDirectory();
        assertThat(data.resolve("clock")).isDirectory();
        assertThat(data.resolve("node-id")).exists();
        assertThat(Files.isRegularFile(data.resolve("node-id"))).isTrue();
    }

    @Test
    void a_staged_copy_lost_after_the_commit_decision_ends_heuristic_and_keeps_the_source() throws Exception {
        PauseAfterCommitDecision pause = new PauseAfterCommitDecision();
        try (TestServer paused = TestServer.builder().transactionLog(pause).start()) {
            TransferSteps pausedSteps = new TransferSteps(paused);
            byte[] content = Content.random(5000);
            String fileId = pausedSteps.uploadToEdit("lost.bin", content).path("file_id").asText();
            String tx = pausedSteps.started(fileId);
            pause.awaitReached();

            deleteStagedCopy(paused.dataDir().resolve("storage").resolve("local-rw").resolve(".staging"), fileId);
            pause.release();
            JsonNode ended = pausedSteps.awaitEnd(tx);

            assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("heuristic");
            assertThat(ended.path("error").asText()).contains("operator");
            TestServer.await("the heuristic end is counted",
                    () -> paused.status().path("transfers").path("heuristic").asLong() == 1);
            JsonNode located = paused.get("/api/v1/files/" + fileId).json();
            assertThat(located.path("storage_element_id").asText()).isEqualTo("local-edit");
            assertThat(Content.sha256(Files.readAllBytes(paused.storedFile(located)))).isEqualTo(Content.sha256(content));
            assertThat(pausedSteps.delete(fileId, Optional.empty()).status()).as("the lock was released").isEqualTo(200);
        }
    }

    /** The staged copy's files, {@code <file_id>.data} and the files beside it, in the element's staging folder. */
    private static void deleteStagedCopy(Path staging, String fileId) throws IOException {
        List<Path> staged;
        try (Stream<Path> files = Files.list(staging)) {
            staged = files.filter(file -> file.getFileName().toString().startsWith(fileId + ".data")).toList();
        }
        assertThat(staged).as("the staged copy of %s", fileId).isNotEmpty();
        for (Path file : staged) {
            Files.delete(file);
        }
    }

    @Test
    void no_rw_element_with_room_is_507_and_none_at_all_503() throws Exception {
        try (TestServer small = TestServer.builder().yaml("""
                storage:
                  elements:
                    - id: edit-1
                      mode: edit
                    - id: rw-tiny
                      mode: rw
                      capacity_bytes: 10
                """).start()) {
            TransferSteps tiny = new TransferSteps(small);
            String fileId = tiny.uploadToEdit("big.bin", Content.random(1000)).path("file_id").asText();

            Reply reply = tiny.transfer(fileId);

            assertThat(reply.status()).as(reply.toString()).isEqualTo(507);
            assertThat(reply.code()).isEqualTo("insufficient_storage");
            assertThat(tiny.transfer(fileId).status()).as("the refusal released the lock").isEqualTo(507);
        }
        try (TestServer editOnly = TestServer.builder().yaml("""
                storage:
                  elements:
                    - id: edit-1
                      mode: edit
                """).start()) {
            TransferSteps none = new TransferSteps(editOnly);
            String fileId = none.uploadToEdit("stuck.bin", Content.random(1000)).path("file_id").asText();

            Reply reply = none.transfer(fileId);

            assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
            assertThat(reply.headers().firstValue("Retry-After")).isPresent();
        }
    }
}
