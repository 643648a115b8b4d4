package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.server.testing.GeneratedContent;
import io.artstore.ingester.server.testing.StreamedUpload;
import io.artstore.ingester.server.testing.ServerProcess;
import io.artstore.ingester.storage.embedded.FileSagaLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server is killed with SIGKILL in the middle of an upload and of a delete, restarted on the same data
 * folder, and its recovery restores the invariant: the file is wholly there or wholly absent.
 */
class SagaCrashRecoveryIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String BOUNDARY = "saga-crash-boundary-41c9";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path folder;

    @Test
    void an_upload_killed_half_way_is_undone_after_the_restart() throws Exception {
        Path config = config();
        Path element = folder.resolve("data").resolve("storage").resolve("local-edit");
        String sagaId;
        String fileId;
        CountDownLatch release = new CountDownLatch(1);
        Thread uploader;
        try (ServerProcess server = ServerProcess.start(config, Map.of(), "128m")) {
            uploader = new Thread(() -> StreamedUpload.sendFirstThenHold(server.uri("/api/v1/files/upload"),
                    new GeneratedContent(512L * 1024 * 1024, 7L), 64L * 1024 * 1024, release));
            uploader.setDaemon(true);
            uploader.start();
            await("the upload's saga is running", () -> sagas(server, "running").size() == 1);
            JsonNode saga = sagas(server, "running").get(0);
            sagaId = saga.path("saga_id").asText();
            fileId = saga.path("file_id").asText();
            await("bytes of the upload reach the element's temporary folder", () -> sizeOf(element.resolve(".tmp")) > 16L * 1024 * 1024);

            server.kill();
        } finally {
            release.countDown();
        }
        uploader.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(sizeOf(element.resolve(".tmp"))).as("the crash left half a file behind").isPositive();

        try (ServerProcess restarted = ServerProcess.start(config, Map.of(), "128m")) {
            await("recovery undoes the add", () -> "compensated".equals(get(restarted, "/api/v1/sagas/" + sagaId).path("state").asText()));

            assertThat(status(restarted, "/api/v1/files/" + fileId)).isEqualTo(404);
            assertThat(sizeOf(element.resolve(".tmp"))).as("temporary files").isZero();
            assertThat(sizeOf(element.resolve(".staging"))).as("staged files").isZero();
            assertThat(filesNaming(element, fileId)).as("files of the upload").isEmpty();
            assertThat(eventsOf(fileId)).isEmpty();
            assertThat(sagas(restarted, null)).as("sagas left unfinished or parked").isEmpty();
            assertThat(get(restarted, "/api/v1/status").path("sagas").path("compensated_since_start").asLong()).isEqualTo(1);
        }
    }

    @Test
    void a_delete_killed_as_it_starts_is_finished_or_undone_after_the_restart() throws Exception {
        Path config = config();
        Path element = folder.resolve("data").resolve("storage").resolve("local-edit");
        String fileId;
        try (ServerProcess server = ServerProcess.start(config, Map.of(), "128m")) {
            fileId = uploadSigned(server);
            Path sagaLog = folder.resolve("data").resolve("sagas")
                    .resolve("saga-" + Files.readString(folder.resolve("data").resolve("node-id")).trim() + ".log");
            long before = Files.size(sagaLog);
            Thread deleter = new Thread(() -> {
                try {
                    send(HttpRequest.newBuilder(server.uri("/api/v1/files/" + fileId)).DELETE());
                } catch (UncheckedIOException killed) {
                    // The server was killed under the delete: expected.
                }
            });
            deleter.setDaemon(true);
            deleter.start();
            await("the delete's first record is in the saga log", () -> sizeOf(sagaLog) > before);

            server.kill();
        }

        try (ServerProcess restarted = ServerProcess.start(config, Map.of(), "128m")) {
            await("recovery ends every saga", () -> sagas(restarted, null).isEmpty());

            boolean present = status(restarted, "/api/v1/files/" + fileId) == 200;
            if (present) {
                assertThat(filesNaming(element, fileId)).as("data, attributes and signature")
                        .anySatisfy(file -> assertThat(file.getFileName().toString()).endsWith(".sig"))
                        .hasSize(3);
                assertThat(eventsOf(fileId)).containsExactly("file_added");
                assertThat(send(HttpRequest.newBuilder(restarted.uri("/api/v1/files/" + fileId)).DELETE()).statusCode())
                        .as("no lock was left on the file").isEqualTo(200);
            } else {
                assertThat(filesNaming(element, fileId)).as("files of the deleted file").isEmpty();
                assertThat(eventsOf(fileId)).containsExactly("file_added", "file_deleted");
            }
        }
    }

    @Test
    void an_add_left_unfinished_by_the_release_before_layout_versions_is_recovered_after_the_upgrade() throws Exception {
        Path config = config();
        Path element = folder.resolve("data").resolve("storage").resolve("local-edit");
        SagaId sagaId = new SagaId("add-left-by-the-release-before");
        String fileId = UUID.randomUUID().toString();
        Instant at = Instant.now().minus(Duration.ofDays(1));
        Map<String, String> started = Map.of("file_id", fileId, "sign", "false");
        Map<String, String> reserved = Map.of("file_id", fileId, "sign", "false", "element_id", "local-edit", "mode", "edit");
        // Written as that release wrote them: no layout version, steps by their index then; it died while staging.
        try (FileSagaLog earlier = FileSagaLog.open(folder.resolve("data").resolve("sagas"), "ingester-before-upgrade")) {
            earlier.append(new SagaRecord(sagaId, "add-file", 0, SagaRecord.Kind.SAGA_STARTED, SagaRecord.NO_STEP, 0, at,
                    "ingester-before-upgrade", at.plusSeconds(60), started, Optional.empty()));
            earlier.append(new SagaRecord(sagaId, "add-file", 1, SagaRecord.Kind.STEP_STARTED, 0, 1, at,
                    "ingester-before-upgrade", at.plusSeconds(60), started, Optional.empty()));
            earlier.append(new SagaRecord(sagaId, "add-file", 2, SagaRecord.Kind.STEP_SUCCEEDED, 0, 1, at,
                    "ingester-before-upgrade", at.plusSeconds(60), reserved, Optional.empty()));
            earlier.append(new SagaRecord(sagaId, "add-file", 3, SagaRecord.Kind.STEP_STARTED, 1, 1, at,
                    "ingester-before-upgrade", at.plusSeconds(60), reserved, Optional.empty()));
        }

        try (ServerProcess server = ServerProcess.start(config, Map.of(), "128m")) {
            await("recovery undoes the add", () -> "compensated".equals(get(server, "/api/v1/sagas/" + sagaId.value()).path("state").asText()));

            assertThat(get(server, "/api/v1/sagas/" + sagaId.value()).path("type").asText()).isEqualTo("add-file");
            assertThat(status(server, "/api/v1/files/" + fileId)).isEqualTo(404);
            assertThat(filesNaming(element, fileId)).as("files of the add").isEmpty();
            assertThat(eventsOf(fileId)).isEmpty();
            assertThat(sagas(server, null)).as("sagas left unfinished or parked").isEmpty();
        }
    }

    private Path config() throws IOException {
        return Files.writeString(folder.resolve("ingester.yaml"), """
                storage:
                  data_dir: %s
                logging:
                  format: json
                admin:
                  enabled_without_auth: on
                """.formatted(folder.resolve("data")));
    }

    private String uploadSigned(ServerProcess server) {
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"target_mode\"\r\n\r\nedit\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"sign\"\r\n\r\ntrue\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"small.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nto be deleted\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> reply = send(HttpRequest.newBuilder(server.uri("/api/v1/files/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(201);
        return json(reply.body()).path("file_id").asText();
    }

    private List<JsonNode> sagas(ServerProcess server, String state) {
        JsonNode list = get(server, "/api/v1/admin/sagas" + (state == null ? "" : "?state=" + state)).path("sagas");
        return Stream.iterate(0, i -> i < list.size(), i -> i + 1).map(list::get).toList();
    }

    private JsonNode get(ServerProcess server, String path) {
        return json(send(HttpRequest.newBuilder(server.uri(path)).GET()).body());
    }

    private int status(ServerProcess server, String path) {
        return send(HttpRequest.newBuilder(server.uri(path)).GET()).statusCode();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> eventsOf(String fileId) throws IOException {
        Path events = folder.resolve("data").resolve("events").resolve("events.jsonl");
        if (!Files.exists(events)) {
            return List.of();
        }
        return Files.readAllLines(events, StandardCharsets.UTF_8).stream().map(SagaCrashRecoveryIT::json)
                .filter(event -> event.path("file_id").asText().equals(fileId)).map(event -> event.path("type").asText()).toList();
    }

    private static List<Path> filesNaming(Path element, String fileId) throws IOException {
        try (Stream<Path> walk = Files.walk(element)) {
            return walk.filter(Files::isRegularFile).filter(file -> file.toString().contains(fileId)).toList();
        }
    }

    private static long sizeOf(Path path) {
        if (!Files.exists(path)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
