package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.IngesterServer;
import io.artstore.ingester.server.config.ConfigLoader;
import io.artstore.ingester.server.config.IngesterConfig;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.Tus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes acknowledged by a 204 are on disk: a restarted server resumes the upload from them. */
class TusRestartTest {

    @TempDir
    Path root;

    private static Tus client(IngesterServer server) {
        return Tus.against(server, Duration.ofSeconds(30));
    }

    @Test
    void acknowledged_bytes_survive_a_restart_and_the_upload_resumes_from_them() throws IOException {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("INGESTER_DATA_DIR", root.resolve("data").toString(),
                "APP_HOST", "127.0.0.1", "APP_PORT", "0"));
        byte[] content = Content.random(800_000);
        String upload;
        IngesterServer first = new IngesterServer(config).start();
        try {
            Tus tus = client(first);
            upload = tus.created(content.length, Tus.fields("filename", "restart.bin", "target_mode", "edit",
                    "checksum", Content.sha256(content)));
            assertThat(tus.patch(upload, 0, Arrays.copyOf(content, 300_000)).status()).isEqualTo(204);
            // A chunk refused for its checksum after the acknowledged one must not be what the restart finds.
            byte[] wrong = Arrays.copyOfRange(content, 300_000, 500_000);
            assertThat(tus.send(tus.patchRequest(upload, 300_000, wrong).header("Upload-Checksum",
                    "sha256 " + Tus.base64Digest("SHA-256", new byte[1]))).status()).isEqualTo(460);
        } finally {
            first.stop();
        }
        Path staged = root.resolve("data").resolve("staging").resolve(upload.substring(upload.lastIndexOf('/') + 1) + ".bin");
        assertThat(Arrays.copyOf(Files.readAllBytes(staged), 300_000)).isEqualTo(Arrays.copyOf(content, 300_000));

        IngesterServer second = new IngesterServer(config).start();
        try {
            Tus tus = client(second);
            assertThat(tus.offset(upload)).isEqualTo(300_000);
            Reply last = tus.patch(upload, 300_000, Arrays.copyOfRange(content, 300_000, content.length));

            assertThat(last.status()).as(last.toString()).isEqualTo(204);
            String fileId = last.headers().firstValue("X-ArtStore-File-Id").orElseThrow();
            Reply file = tus.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + second.port() + "/api/v1/files/" + fileId)).GET());
            assertThat(file.json().path("checksum").asText()).isEqualTo(Content.sha256(content));
        } finally {
            second.stop();
        }
    }
}
