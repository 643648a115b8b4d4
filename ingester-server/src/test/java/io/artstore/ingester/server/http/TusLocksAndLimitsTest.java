package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.Tus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Locks that never wedge an upload, expiry, and the staging area's space, through HTTP. */
class TusLocksAndLimitsTest {

    private static Path staged(TestServer server, String upload) {
        return server.dataDir().resolve("staging").resolve(upload.substring(upload.lastIndexOf('/') + 1) + ".bin");
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Sends a PATCH's headers and the first {@code sent} bytes of {@code content}, then stops sending. */
    static Socket stalledPatch(int port, String upload, byte[] content, int sent) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write(("PATCH " + upload + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                + "Content-Type: application/offset+octet-stream\r\nContent-Length: " + content.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(content, 0, sent);
        out.flush();
        return socket;
    }

    static String statusLine(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void a_stalled_patch_is_taken_over_by_the_next_request_and_its_late_bytes_are_dropped() throws Exception {
        try (TestServer server = TestServer.builder().env("INGESTER_UPLOADS_LOCK_WAIT", "500ms").start()) {
            Tus tus = new Tus(server);
            byte[] content = Content.random(1_000_000);
            String upload = tus.created(content.length, Tus.fields("filename", "stalled.bin", "target_mode", "edit"));
            try (Socket stalled = stalledPatch(server.port(), upload, content, 300_000)) {
                TestServer.await("the stalled request staged its first bytes", () -> size(staged(server, upload)) >= 256 * 1024);

                long began = System.nanoTime();
                Reply head = tus.head(upload);
                Duration waited = Duration.ofNanos(System.nanoTime() - began);

                assertThat(head.status()).as("never 423: " + head).isEqualTo(200);
                assertThat(waited).isLessThan(Duration.ofSeconds(10));
                long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
                assertThat(offset).isLessThanOrEqualTo(300_000);
                Reply resumed = tus.patch(upload, offset, Arrays.copyOfRange(content, (int) offset, content.length));
                assertThat(resumed.status()).as(resumed.toString()).isEqualTo(204);
                String fileId = resumed.headers().firstValue("X-ArtStore-File-Id").orElseThrow();

                // The stalled client wakes up and sends the rest, with a byte changed: none of it may count.
                byte[] late = Arrays.copyOfRange(content, 300_000, content.length);
                late[0] ^= 1;
                stalled.getOutputStream().write(late);
                stalled.getOutputStream().flush();
                assertThat(statusLine(stalled)).startsWith("HTTP/1.1 409");

                JsonNode file = server.get("/api/v1/files/" + fileId).json();
                assertThat(Files.readAllBytes(server.storedFile(file))).isEqualTo(content);
                assertThat(server.get(upload).json().path("state").asText()).isEqualTo("completed");
            }
        }
    }

    @Test
    void an_expired_upload_is_deleted_with_its_staged_bytes_and_its_space_released() {
        // Long enough for the creation and one PATCH to come before the expiry on a busy machine.
        try (TestServer server = TestServer.builder().env("INGESTER_UPLOADS_EXPIRES_AFTER", "4s")
                .env("INGESTER_UPLOADS_SWEEP_INTERVAL", "200ms").start()) {
            Tus tus = new Tus(server);
            Reply created = tus.create(100_000, Tus.fields("filename", "abandoned.bin", "target_mode", "edit"));
            String upload = created.headers().firstValue("Location").orElseThrow();
            assertThat(created.headers().firstValue("Upload-Expires").orElseThrow()).endsWith("GMT");
            assertThat(server.status().path("uploads").path("staging_reserved_bytes").asLong()).isEqualTo(100_000);
            assertThat(tus.patch(upload, 0, Content.random(30_000)).status()).isEqualTo(204);
            assertThat(staged(server, upload)).exists();

            // The sweeper forgets the session, then deletes its bytes: wait for both.
            TestServer.await("the upload is gone with its staged bytes",
                    () -> server.get(upload).code().equals("upload_not_found") && !Files.exists(staged(server, upload)));

            assertThat(server.status().path("uploads").path("staging_reserved_bytes").asLong()).isZero();
            assertThat(server.outstandingBytes()).as("the space held on the storage element").isZero();
            assertThat(tus.head(upload).status()).isEqualTo(404);
        }
    }

    @Test
    void space_is_reserved_at_creation_and_a_deferred_upload_that_outgrows_it_is_refused() {
        try (TestServer server = TestServer.builder().env("INGESTER_UPLOADS_STAGING_MAX_SIZE", "1MiB").start()) {
            Tus tus = new Tus(server);
            Reply tooLarge = tus.create(2 * 1024 * 1024, Tus.fields("filename", "big.bin", "target_mode", "edit"));
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.code()).isEqualTo("file_too_large");

            String first = tus.created(700_000, Tus.fields("filename", "first.bin", "target_mode", "edit"));
            Reply second = tus.create(700_000, Tus.fields("filename", "second.bin", "target_mode", "edit"));
            assertThat(second.status()).as("the first holds 700,000 of 1 MiB").isEqualTo(507);
            assertThat(second.code()).isEqualTo("insufficient_storage");

            // While the first holds its space, a deferred upload grows until the rest is taken.
            Reply deferred = tus.send(tus.request(Tus.PATH).header("Upload-Defer-Length", "1")
                    .header("Upload-Metadata", Tus.metadata(Tus.fields("filename", "growing.bin", "target_mode", "edit")))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            String upload = deferred.headers().firstValue("Location").orElseThrow();
            assertThat(tus.patch(upload, 0, Content.random(200_000)).status()).isEqualTo(204);

            Reply refused = tus.patch(upload, 200_000, Content.random(200_000));

            assertThat(refused.status()).as(refused.toString()).isEqualTo(507);
            assertThat(refused.code()).isEqualTo("insufficient_storage");
            assertThat(tus.offset(upload)).isEqualTo(200_000);
            assertThat(size(staged(server, upload))).as("nothing of the refused chunk was stored").isEqualTo(200_000);
            assertThat(tus.send(tus.request(first).DELETE()).status()).isEqualTo(204);
            assertThat(tus.patch(upload, 200_000, Content.random(200_000)).status()).as("room again once the first is gone")
                    .isEqualTo(204);
        }
    }
}
