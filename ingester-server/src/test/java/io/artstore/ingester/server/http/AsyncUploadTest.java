package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.Tus;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code compress=async} and {@code sign=async}: the upload stores the file as it arrived and says the work is
 * pending; the background task does it, and the file reads back as the original bytes with their checksum.
 */
class AsyncUploadTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void an_upload_with_compress_async_is_stored_as_sent_then_compressed_and_still_downloads_its_original_bytes()
            throws IOException {
        byte[] content = Content.text(300_000);
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").field("compress", "async")
                .file("log.txt", content));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode json = reply.json();
        assertThat(json.path("compressed").asBoolean()).isFalse();
        assertThat(json.path("compression").path("applied").asText()).isEqualTo("pending");
        String algorithm = server.config().compression().defaultAlgorithm().wireName();
        assertThat(json.path("compression").path("algorithm").asText()).isEqualTo(algorithm);
        String fileId = json.path("file_id").asText();

        TestServer.await("the file compressed", () -> server.get("/api/v1/files/" + fileId).json().path("compressed").asBoolean());
        JsonNode located = server.get("/api/v1/files/" + fileId).json();
        assertThat(located.path("compression_algorithm").asText()).isEqualTo(algorithm);
        assertThat(located.path("checksum").asText()).isEqualTo(sha256(content));
        assertThat(located.path("stored_size").asLong()).isLessThan(content.length / 2);
        Path stored = server.storedFile(json);
        assertThat(Files.size(stored)).isEqualTo(located.path("stored_size").asLong());

        Reply download = server.get("/api/v1/files/" + fileId + "/content");
        assertThat(download.status()).as(download.toString()).isEqualTo(200);
        assertThat(download.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(content);
        assertThat(download.headers().firstValue("X-Checksum-SHA256")).contains(sha256(content));
        // Nothing of the replaced original or the staged copy is left beside the file.
        try (Stream<Path> beside = Files.list(stored.getParent())) {
            assertThat(beside.map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith(stored.getFileName().toString())))
                    .containsExactlyInAnyOrder(stored.getFileName().toString(), stored.getFileName() + ".attr.json");
        }
        TestServer.await("an empty queue", () -> server.get("/api/v1/admin/tasks").json().path("waiting").asLong() == 0);
    }

    @Test
    void a_raw_upload_with_sign_async_is_signed_afterwards_and_the_signature_verifies() {
        byte[] content = Content.random(50_000);
        Reply reply = server.send(HttpRequest.newBuilder(server.uri("/api/v1/files/upload?target_mode=edit&sign=async&filename=data.bin"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("signature").path("status").asText()).isEqualTo("pending");
        String fileId = reply.json().path("file_id").asText();

        TestServer.await("the file signed", () -> server.get("/api/v1/files/" + fileId).json().path("signature").isObject());
        JsonNode verified = server.get("/api/v1/files/" + fileId + "/signature/verify").json();
        assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
    }

    @Test
    void compress_async_is_refused_for_write_once_files_on_every_way_in() {
        Reply multipart = server.upload(Multipart.form().field("target_mode", "rw").field("compress", "async")
                .file("log.txt", Content.text(1_000)));
        Reply raw = server.send(HttpRequest.newBuilder(server.uri("/api/v1/files/upload?target_mode=rw&filename=data.bin"))
                .header("Content-Type", "application/octet-stream").header("X-ArtStore-Compress", "async")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Content.text(1_000))));
        Reply tus = new Tus(server).create(1_000, Tus.fields("filename", "log.txt", "target_mode", "rw", "compress", "async"));

        for (Reply refused : new Reply[] {multipart, raw, tus}) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.code()).isEqualTo("async_compression_not_allowed");
        }
    }

    @Test
    void compress_async_is_refused_before_anything_is_stored_by_an_element_that_cannot_replace_files() {
        // As a remote element answers: its storage element API has no way to replace a stored file.
        try (TestServer remoteLike = TestServer.builder().storageElement(AsyncUploadTest::notReplacing).start()) {
            Reply reply = remoteLike.upload(Multipart.form().field("target_mode", "edit").field("compress", "async")
                    .file("log.txt", Content.text(10_000)));

            assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
            assertThat(reply.code()).isEqualTo("async_compression_unsupported");
            assertThat(remoteLike.files()).as("nothing stored, catalogued or spooled").isEmpty();
            assertThat(remoteLike.outstandingBytes()).as("the space held on the element").isZero();
            assertThat(remoteLike.upload(Multipart.form().field("target_mode", "edit").field("compress", "true")
                    .file("log.txt", Content.text(10_000))).status()).as("compressed on the fly instead").isEqualTo(201);
        }
    }

    /** The element, answering that it cannot replace a stored file. */
    private static StorageElement notReplacing(StorageElement element) {
        return (StorageElement) Proxy.newProxyInstance(StorageElement.class.getClassLoader(), new Class<?>[] {StorageElement.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("replacesFiles")) {
                        return false;
                    }
                    try {
                        return method.invoke(element, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void compress_async_with_no_compression_algorithm_is_a_conflict() {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").field("compress", "async")
                .field("compression_algorithm", "none").file("log.txt", Content.text(1_000)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("conflicting_compression");
    }

    @Test
    void both_async_at_once_compress_and_sign_the_file() {
        byte[] content = Content.text(100_000);
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").field("sign", "async")
                .field("compress", "async").field("compression_algorithm", "brotli").file("log.txt", content));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("compression").path("algorithm").asText()).isEqualTo("brotli");
        assertThat(reply.json().path("signature").path("status").asText()).isEqualTo("pending");
        String fileId = reply.json().path("file_id").asText();
        TestServer.await("the file compressed and signed", () -> {
            JsonNode located = server.get("/api/v1/files/" + fileId).json();
            return located.path("compressed").asBoolean() && located.path("signature").isObject();
        });
        assertThat(server.get("/api/v1/files/" + fileId + "/signature/verify").json().path("valid").asBoolean()).isTrue();
        assertThat(server.get("/api/v1/files/" + fileId + "/content").body().getBytes(StandardCharsets.UTF_8)).isEqualTo(content);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
