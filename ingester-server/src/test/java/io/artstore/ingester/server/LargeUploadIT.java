package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.server.testing.GeneratedContent;
import io.artstore.ingester.server.testing.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 2 GiB through a server with a 128 MiB heap: the bytes must stream, never gather in memory. */
class LargeUploadIT {

    private static final long SIZE = 2L * 1024 * 1024 * 1024;

    @TempDir
    Path folder;

    @Test
    void two_gibibytes_stream_through_a_small_heap() throws IOException, NoSuchAlgorithmException {
        Path config = Files.writeString(folder.resolve("ingester.yaml"), """
                storage:
                  data_dir: %s
                logging:
                  format: json
                """.formatted(folder.resolve("data")));
        try (ServerProcess server = ServerProcess.start(config, Map.of(), "128m")) {
            GeneratedContent content = new GeneratedContent(SIZE, 20_251_126L);

            HttpURLConnection connection = server.sendUpload("large.bin", content, Duration.ofMinutes(10));

            String body = new String(read(connection), StandardCharsets.UTF_8);
            assertThat(connection.getResponseCode()).as(body).isEqualTo(201);
            JsonNode json = new ObjectMapper().readTree(body);
            assertThat(json.path("file_size").asLong()).isEqualTo(SIZE);
            assertThat(json.path("checksum").asText()).isEqualTo(content.sha256());
            Path stored = Path.of(json.path("storage_element_url").asText())
                    .resolve(locate(server, json.path("file_id").asText()).path("storage_path").asText())
                    .resolve(json.path("storage_filename").asText());
            assertThat(Files.size(stored)).isEqualTo(SIZE);
            assertThat(sha256(stored)).isEqualTo(content.sha256());
            assertThat(server.isAlive()).as("the server survived:\n" + server.log()).isTrue();
            assertThat(server.log()).doesNotContain("OutOfMemoryError")
                    .contains("\"operation\"").contains("\"duration_ms\"").contains(json.path("file_id").asText());
            assertThat(server.stop()).as("stopped cleanly on SIGTERM").isNotEqualTo(137);
            assertThat(server.log()).contains("stopped");
        }
    }

    private static JsonNode locate(ServerProcess server, String fileId) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) server.uri("/api/v1/files/" + fileId).toURL().openConnection();
        return new ObjectMapper().readTree(read(connection));
    }

    private static byte[] read(HttpURLConnection connection) throws IOException {
        return ServerProcess.body(connection);
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
