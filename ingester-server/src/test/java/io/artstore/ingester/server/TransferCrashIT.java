package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.server.testing.GeneratedContent;
import io.artstore.ingester.server.testing.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers whose server is killed (SIGKILL) half-way, then restarted on the same data: the recovery sweep at
 * start-up must leave the file in exactly one element, intact, with the same id. The first run wires a crash point
 * ({@link CrashPointMain}) that holds the transfer where the kill must land, so no timing decides where it does.
 */
class TransferCrashIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void killed_while_the_copy_is_staged_the_transfer_aborts_after_the_restart() throws Exception {
        Path config = config();
        GeneratedContent content = new GeneratedContent(256L * 1024 * 1024, 20_261_126L);
        String fileId;
        String tx;
        Path reached = folder.resolve("reached");
        try (ServerProcess server = ServerProcess.startMain(CrashPointMain.class.getName(), Map.of("crash.point", "mid-copy",
                "crash.element", "local-rw", "crash.after_bytes", String.valueOf(content.size() / 4),
                "crash.reached", reached.toString()), config, Map.of(), "256m")) {
            fileId = upload(server, content);
            tx = startTransfer(server, fileId);

            awaitCrashPoint(server, reached);
            JsonNode copying = get(server, "/api/v1/transfers/" + tx);
            assertThat(filesIn(element("local-rw").resolve(".staging")).size()
                    + filesIn(element("local-rw").resolve(".tmp")).size()).as("a copy is half-staged").isPositive();
            server.kill();
            assertThat(copying.path("status").asText()).as("killed during the copy: " + copying).isEqualTo("preparing");
            assertThat(copying.path("progress_percent").asInt()).as(copying.toString()).isBetween(11, 39);
        }

        try (ServerProcess restarted = ServerProcess.start(config, Map.of(), "256m")) {
            JsonNode status = get(restarted, "/api/v1/transfers/" + tx);
            assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("aborted");
            assertThat(status.path("error").asText()).contains("presumed abort");
            JsonNode located = get(restarted, "/api/v1/files/" + fileId);
            assertThat(located.path("storage_element_id").asText()).isEqualTo("local-edit");
            Path stored = storedFile(located);
            assertThat(Files.size(stored)).isEqualTo(content.size());
            assertThat(sha256(stored)).isEqualTo(content.sha256());
            assertThat(filesNamed(element("local-rw"), fileId)).as("nothing of the file on rw").isEmpty();
            assertThat(filesIn(element("local-rw").resolve(".staging"))).as("no staged leftovers").isEmpty();
            assertThat(filesIn(element("local-rw").resolve(".tmp"))).as("no half-written copy").isEmpty();
            assertThat(lockFiles()).as("lock released").isEmpty();
            JsonNode transfers = get(restarted, "/api/v1/status").path("transfers");
            assertThat(transfers.path("aborted").asLong()).isEqualTo(1);
            assertThat(transfers.path("in_flight").asLong()).isZero();
            assertThat(restarted.log()).contains("recovering 1 unfinished transfer");
        }
    }

    @Test
    void killed_right_after_the_commit_decision_the_transfer_completes_after_the_restart() throws Exception {
        Path config = config();
        GeneratedContent content = new GeneratedContent(3L * 1024 * 1024, 42L);
        byte[] signature = "detached signature of the survey".getBytes(StandardCharsets.US_ASCII);
        String fileId;
        String tx;
        Path reached = folder.resolve("reached");
        try (ServerProcess server = ServerProcess.startMain(CrashPointMain.class.getName(), Map.of(
                "crash.point", "after-commit-decision", "crash.reached", reached.toString()), config, Map.of(), "128m")) {
            fileId = upload(server, content);
            Path onEdit = storedFile(get(server, "/api/v1/files/" + fileId));
            Files.write(onEdit.resolveSibling(onEdit.getFileName() + ".sig"), signature);
            tx = startTransfer(server, fileId);

            awaitCrashPoint(server, reached);
            JsonNode decided = get(server, "/api/v1/transfers/" + tx);
            server.kill();
            assertThat(decided.path("status").asText()).as(decided.toString()).isEqualTo("committing");
            assertThat(decided.path("checksum_verified").asBoolean()).isTrue();
            assertThat(filesNamed(element("local-edit"), fileId)).as("phase two had not begun").hasSize(3);
        }

        try (ServerProcess restarted = ServerProcess.start(config, Map.of(), "128m")) {
            JsonNode status = get(restarted, "/api/v1/transfers/" + tx);
            assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("committed");
            assertThat(status.path("progress_percent").asInt()).isEqualTo(100);
            JsonNode located = get(restarted, "/api/v1/files/" + fileId);
            assertThat(located.path("file_id").asText()).isEqualTo(fileId);
            assertThat(located.path("storage_element_id").asText()).as("the catalogue points at rw").isEqualTo("local-rw");
            assertThat(located.path("checksum").asText()).isEqualTo(content.sha256());
            Path stored = storedFile(located);
            assertThat(stored.startsWith(element("local-rw"))).isTrue();
            assertThat(sha256(stored)).isEqualTo(content.sha256());
            assertThat(Files.readAllBytes(stored.resolveSibling(stored.getFileName() + ".sig"))).isEqualTo(signature);
            assertThat(filesNamed(element("local-edit"), fileId)).as("nothing left on edit").isEmpty();
            assertThat(filesIn(element("local-rw").resolve(".staging"))).isEmpty();
            assertThat(lockFiles()).as("lock released").isEmpty();
            assertThat(get(restarted, "/api/v1/status").path("transfers").path("committed").asLong()).isEqualTo(1);
        }
    }

    private Path config() throws IOException {
        return Files.writeString(folder.resolve("ingester.yaml"), """
                storage:
                  data_dir: %s
                instance:
                  node_id: crash-test-node
                """.formatted(folder.resolve("data")));
    }

    private Path element(String id) {
        return folder.resolve("data").resolve("storage").resolve(id);
    }

    private List<Path> lockFiles() throws IOException {
        return filesIn(folder.resolve("data").resolve("locks")).stream()
                .filter(path -> path.getFileName().toString().endsWith(".lock")).toList();
    }

    private static List<Path> filesNamed(Path base, String fileId) throws IOException {
        return filesIn(base).stream().filter(path -> path.getFileName().toString().contains(fileId)).toList();
    }

    private static List<Path> filesIn(Path base) throws IOException {
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(base)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static Path storedFile(JsonNode located) {
        return Path.of(located.path("storage_element_url").asText()).resolve(located.path("storage_path").asText())
                .resolve(located.path("storage_filename").asText());
    }

    /** Waits until the server's transfer stands at its crash point, which it holds until the kill. */
    private static void awaitCrashPoint(ServerProcess server, Path reached) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.exists(reached)) {
            if (!server.isAlive()) {
                throw new AssertionError("the server exited before the crash point:\n" + server.log());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the crash point was not reached within " + TIMEOUT + ":\n" + server.log());
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private static String startTransfer(ServerProcess server, String fileId) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) server.uri("/api/v1/files/" + fileId + "/transfer").toURL()
                .openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.getOutputStream().close();
        String body = new String(read(connection), StandardCharsets.UTF_8);
        assertThat(connection.getResponseCode()).as(body).isEqualTo(202);
        return JSON.readTree(body).path("transaction_id").asText();
    }

    /** Fields first, so the file streams to the storage element. */
    private static String upload(ServerProcess server, GeneratedContent content) throws IOException {
        HttpURLConnection connection = server.sendUpload("survey.bin", content, TIMEOUT);
        String body = new String(read(connection), StandardCharsets.UTF_8);
        assertThat(connection.getResponseCode()).as(body).isEqualTo(201);
        return JSON.readTree(body).path("file_id").asText();
    }

    private static JsonNode get(ServerProcess server, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setReadTimeout((int) TIMEOUT.toMillis());
        return JSON.readTree(read(connection));
    }

    private static byte[] read(HttpURLConnection connection) throws IOException {
        return ServerProcess.body(connection);
    }

    private static String sha256(Path file) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
