package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every file operation through the API, refused, failed or done, lands in the audit log, and the log verifies. */
class AuditTrailServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().env("INGESTER_AUDIT_CHECKPOINT_EVERY", "3").start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<JsonNode> records() {
        List<JsonNode> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(server.dataDir().resolve("audit"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode node = JSON.readTree(line);
                    if (node.path("type").asText().equals("record")) {
                        records.add(node);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    private static List<JsonNode> recordsOf(String fileId) {
        return records().stream().filter(r -> r.path("file_id").asText().equals(fileId)).toList();
    }

    @Test
    void uploads_deletes_transfers_and_reads_are_audited_with_the_caller_and_request() {
        Reply uploaded = server.send(HttpRequest.newBuilder(server.uri("/api/v1/files/upload?target_mode=edit"))
                .header("X-Request-Id", "req-upload-1").header("Content-Type", Multipart.form().contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])));
        // A malformed body first (refused), then a real upload.
        assertThat(uploaded.status()).isEqualTo(400);
        byte[] plan = Content.text(300_000);
        Reply reply = server.upload("?target_mode=edit&compress=true", Multipart.form().file("plan.txt", plan));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        String fileId = reply.json().path("file_id").asText();
        assertThat(reply.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(server.get("/api/v1/status").headers().firstValue("X-Request-Id")).isPresent();

        Reply content = server.get("/api/v1/files/" + fileId + "/content");
        assertThat(content.status()).isEqualTo(200);
        assertThat(content.body()).as("decompressed and whole").isEqualTo(new String(plan, java.nio.charset.StandardCharsets.UTF_8));
        Reply transfer = server.post("/api/v1/files/" + fileId + "/transfer", "application/json", "{}".getBytes());
        assertThat(transfer.status()).as(transfer.toString()).isEqualTo(202);
        TestServer.await("the transfer is audited as ended", () -> recordsOf(fileId).stream()
                .anyMatch(r -> r.path("subject").asText().equals("ingester") && r.path("action").asText().equals("file.transfer")));

        Reply second = server.upload("?target_mode=edit", Multipart.form().file("draft.txt", Content.random(100)));
        String secondId = second.json().path("file_id").asText();
        Reply deleted = server.send(HttpRequest.newBuilder(server.uri("/api/v1/files/" + secondId))
                .header("X-Request-Id", "req-delete-7").DELETE());
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);

        List<JsonNode> all = records();
        assertThat(all).anySatisfy(r -> {
            assertThat(r.path("action").asText()).isEqualTo("file.upload");
            assertThat(r.path("outcome").asText()).isEqualTo("refused");
            assertThat(r.path("request_id").asText()).isEqualTo("req-upload-1");
            assertThat(r.path("reason").asText()).startsWith("malformed_multipart");
        });
        List<JsonNode> first = recordsOf(fileId);
        assertThat(first).extracting(r -> r.path("action").asText() + " " + r.path("outcome").asText() + " " + r.path("subject").asText())
                .containsSubsequence("file.upload succeeded anonymous", "file.read succeeded anonymous",
                        "file.transfer succeeded anonymous", "file.transfer succeeded ingester");
        assertThat(first.get(0).path("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(first.get(0).path("element").asText()).isEqualTo("local-edit");
        assertThat(first.get(0).path("name").asText()).isEqualTo("anonymous");
        assertThat(recordsOf(secondId)).anySatisfy(r -> {
            assertThat(r.path("action").asText()).isEqualTo("file.delete");
            assertThat(r.path("outcome").asText()).isEqualTo("succeeded");
            assertThat(r.path("request_id").asText()).isEqualTo("req-delete-7");
        });
        assertVerifies();
    }

    @Test
    void an_upload_undone_by_its_saga_is_audited_as_failed_and_compensated() {
        byte[] content = Content.random(5000);
        Reply reply = server.upload("?target_mode=edit&checksum=" + "0".repeat(64), Multipart.form().file("bad.bin", content));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(422);

        assertThat(records()).anySatisfy(r -> {
            assertThat(r.path("action").asText()).isEqualTo("file.upload");
            assertThat(r.path("outcome").asText()).isEqualTo("refused");
            assertThat(r.path("reason").asText()).startsWith("checksum_mismatch");
        });
        assertThat(records()).anySatisfy(r -> {
            assertThat(r.path("action").asText()).isEqualTo("file.upload.compensation");
            assertThat(r.path("subject").asText()).isEqualTo("ingester");
            assertThat(r.path("reason").asText()).contains("undone");
        });
        assertVerifies();
    }

    private static void assertVerifies() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Commands.run(new String[] {"audit", "verify", server.dataDir().resolve("audit").toString()}, Map.of(),
                new PrintStream(out), new PrintStream(err));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("audit log intact");
    }
}
