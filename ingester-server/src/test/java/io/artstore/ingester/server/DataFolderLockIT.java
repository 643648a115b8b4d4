package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.server.testing.GeneratedContent;
import io.artstore.ingester.server.testing.ServerProcess;
import io.artstore.ingester.server.testing.StreamedUpload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second server process started on the data folder of a running one, while an upload into it is half-way: the
 * second must exit with a clear message before it changes anything, and the first's upload must complete.
 */
class DataFolderLockIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void a_second_process_on_the_same_data_folder_exits_and_touches_nothing() throws Exception {
        Path data = folder.resolve("data");
        Path config = Files.writeString(folder.resolve("ingester.yaml"), """
                storage:
                  data_dir: %s
                instance:
                  node_id: lock-test-node
                """.formatted(data));
        GeneratedContent content = new GeneratedContent(8L * 1024 * 1024, 7L);
        try (ServerProcess first = ServerProcess.start(config, Map.of(), "128m")) {
            StreamedUpload upload = StreamedUpload.open(first.uri("/api/v1/files/upload"), "edit", "held.bin", content, TIMEOUT);
            long half = content.size() / 2;
            upload.sendUpTo(half);
            awaitInFlightBytes(data, half / 2);
            Map<Path, Long> inFlight = inFlightFiles(data);

            ServerProcess.Finished second = ServerProcess.run(folder, List.of("--config", config.toString()),
                    Map.of("APP_HOST", "127.0.0.1", "APP_PORT", "0"));

            assertThat(second.exitCode()).as(second.output()).isEqualTo(Main.EXIT_FOLDER_IN_USE);
            assertThat(second.output()).contains("the data folder (storage.data_dir) " + data.toRealPath())
                    .contains("is in use by process " + first.pid()).contains("Nothing was changed");
            assertThat(inFlightFiles(data).keySet()).as("the first's in-flight files are untouched")
                    .containsAll(inFlight.keySet());
            inFlight.forEach((file, size) -> assertThat(sizeOf(file)).as(file.toString()).isGreaterThanOrEqualTo(size));
            assertThat(first.isAlive()).isTrue();

            HttpURLConnection answered = upload.finish();
            String answer = new String(ServerProcess.body(answered), StandardCharsets.UTF_8);
            assertThat(answered.getResponseCode()).as(answer).isEqualTo(201);
            JsonNode located = get(first, "/api/v1/files/" + JSON.readTree(answer).path("file_id").asText());
            assertThat(located.path("checksum").asText()).isEqualTo(content.sha256());
            assertThat(located.path("file_size").asLong()).isEqualTo(content.size());
            first.stop();
        }

        try (ServerProcess again = ServerProcess.start(config, Map.of(), "128m")) {
            assertThat(again.isAlive()).as("the lock is released once the first stopped").isTrue();
        }
    }

    /** Every file of the upload spool and of the storage elements' {@code .tmp} and {@code .staging}, with its size. */
    private static Map<Path, Long> inFlightFiles(Path data) {
        Map<Path, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(data)) {
            walk.filter(Files::isRegularFile)
                    .filter(path -> path.startsWith(data.resolve("spool")) || path.toString().contains("/.tmp/")
                            || path.toString().contains("/.staging/"))
                    .forEach(path -> files.put(path, sizeOf(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static void awaitInFlightBytes(Path data, long bytes) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (inFlightFiles(data).values().stream().mapToLong(Long::longValue).sum() < bytes) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the upload wrote nothing in flight: " + inFlightFiles(data));
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode get(ServerProcess server, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setReadTimeout((int) TIMEOUT.toMillis());
        return JSON.readTree(ServerProcess.body(connection));
    }
}
