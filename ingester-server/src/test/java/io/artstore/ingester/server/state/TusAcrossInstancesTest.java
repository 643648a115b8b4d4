package io.artstore.ingester.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.redis.fixture.RedisProcess;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.Tus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Two instances sharing the upload sessions in Redis and one staging folder: any of them continues any upload, and
 * an upload locked by a stalled request on one is taken over by the other.
 */
class TusAcrossInstancesTest {

    @TempDir
    static Path shared;

    private static RedisProcess redis;
    private static RedisClient client;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start(shared.resolve("redis"));
        client = RedisClient.create(redis.host(), redis.port());
    }

    @AfterAll
    static void stopRedis() {
        client.close();
        redis.close();
    }

    private TestServer instance(String node) {
        return TestServer.builder().env("INGESTER_STATE", "redis").env("REDIS_HOST", redis.host())
                .env("REDIS_PORT", Integer.toString(redis.port())).env("INGESTER_NODE_ID", node)
                .env("INGESTER_UPLOADS_STAGING_DIR", shared.resolve("staging").toString())
                .env("INGESTER_UPLOADS_LOCK_WAIT", "500ms").start();
    }

    @Test
    void an_upload_begun_on_one_instance_is_resumed_and_completed_on_another() throws IOException {
        try (TestServer a = instance("ingester-a"); TestServer b = instance("ingester-b")) {
            byte[] content = Content.random(900_000);
            Tus onA = new Tus(a);
            Tus onB = new Tus(b);
            String upload = onA.created(content.length, Tus.fields("filename", "roaming.bin", "target_mode", "edit",
                    "checksum", Content.sha256(content)));
            assertThat(onA.patch(upload, 0, Arrays.copyOf(content, 400_000)).status()).isEqualTo(204);
            String id = upload.substring(upload.lastIndexOf('/') + 1);
            assertThat(client.hget("artstore:ingester:{uploads}:session:" + id, "doc")).contains("\"offset\":400000");

            assertThat(onB.offset(upload)).isEqualTo(400_000);
            Reply last = onB.patch(upload, 400_000, Arrays.copyOfRange(content, 400_000, content.length));

            assertThat(last.status()).as(last.toString()).isEqualTo(204);
            String fileId = last.headers().firstValue("X-ArtStore-File-Id").orElseThrow();
            assertThat(a.get(upload).json().path("file_id").asText()).as("A sees the outcome").isEqualTo(fileId);
            assertThat(Files.readAllBytes(b.storedFile(b.get("/api/v1/files/" + fileId).json()))).isEqualTo(content);
            assertThat(shared.resolve("staging").resolve(id + ".bin")).doesNotExist();
        }
    }

    @Test
    void a_patch_stalled_on_one_instance_is_taken_over_from_another() throws IOException {
        try (TestServer a = instance("ingester-a"); TestServer b = instance("ingester-b")) {
            byte[] content = Content.random(700_000);
            String upload = new Tus(a).created(content.length, Tus.fields("filename", "stalled.bin", "target_mode", "edit"));
            Path staged = shared.resolve("staging").resolve(upload.substring(upload.lastIndexOf('/') + 1) + ".bin");
            try (Socket stalled = new Socket("127.0.0.1", a.port())) {
                OutputStream out = stalled.getOutputStream();
                out.write(("PATCH " + upload + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                        + "Content-Type: application/offset+octet-stream\r\nContent-Length: " + content.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(content, 0, 300_000);
                out.flush();
                TestServer.await("A staged the first bytes", () -> Files.exists(staged) && sizeOf(staged) >= 256 * 1024);

                Tus onB = new Tus(b);
                long offset = onB.offset(upload);
                Reply resumed = onB.patch(upload, offset, Arrays.copyOfRange(content, (int) offset, content.length));

                assertThat(resumed.status()).as(resumed.toString()).isEqualTo(204);
                out.write(content, 300_000, content.length - 300_000);
                out.flush();
                stalled.setSoTimeout(30_000);
                String status = new BufferedReader(new InputStreamReader(stalled.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertThat(status).startsWith("HTTP/1.1 409");
                String fileId = resumed.headers().firstValue("X-ArtStore-File-Id").orElseThrow();
                assertThat(Files.readAllBytes(b.storedFile(b.get("/api/v1/files/" + fileId).json()))).isEqualTo(content);
            }
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
