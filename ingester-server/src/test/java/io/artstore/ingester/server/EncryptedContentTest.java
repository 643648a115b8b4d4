package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption of stored content end to end: the element holds only ciphertext, {@code /content} gives the original
 * back, a changed stored file never comes out whole, and the offline tool decrypts with the master key alone.
 */
class EncryptedContentTest {

    @TempDir
    static Path keys;
    private static TestServer server;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Files.writeString(keys.resolve("k2026.key"), Base64.getEncoder().encodeToString(key) + "\n");
        byte[] older = new byte[32];
        new java.security.SecureRandom().nextBytes(older);
        Files.writeString(keys.resolve("k2025.key"), Base64.getEncoder().encodeToString(older));
        server = TestServer.builder()
                .env("INGESTER_ENCRYPTION_ENABLED", "on")
                .env("INGESTER_ENCRYPTION_KEYS_DIR", keys.toString())
                .env("INGESTER_ENCRYPTION_KEY_ID", "k2026")
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode upload(String query, String name, byte[] content) {
        Reply reply = server.upload("?target_mode=edit" + query, Multipart.form().file(name, content));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.json();
    }

    private static HttpResponse<byte[]> content(String fileId) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(server.uri("/api/v1/files/" + fileId + "/content")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void the_element_holds_ciphertext_and_the_content_endpoint_gives_the_original_back() throws Exception {
        // Text, so that it would be readable on disk; several envelope chunks long.
        byte[] original = "quarterly figures, confidential. ".repeat(12_000).getBytes(StandardCharsets.UTF_8);
        JsonNode uploaded = upload("", "figures.txt", original);
        Path stored = server.storedFile(uploaded);

        byte[] onDisk = Files.readAllBytes(stored);
        assertThat(new String(onDisk, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("ASE1");
        assertThat(new String(onDisk, StandardCharsets.ISO_8859_1)).doesNotContain("confidential");
        assertThat(onDisk.length).isGreaterThan(original.length);
        String attr = Files.readString(stored.resolveSibling(stored.getFileName() + ".attr.json"));
        assertThat(attr).contains("\"key_id\": \"k2026\"").contains("AES-256-GCM").contains("wrapped_key");
        JsonNode file = server.get("/api/v1/files/" + uploaded.path("file_id").asText()).json();
        assertThat(file.path("checksum").asText()).isEqualTo(Content.sha256(original));
        assertThat(file.path("file_size").asLong()).isEqualTo(original.length);
        assertThat(file.path("encrypted").asBoolean()).isTrue();
        assertThat(uploaded.path("encrypted").asBoolean()).isTrue();

        HttpResponse<byte[]> response = content(uploaded.path("file_id").asText());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(original);
        assertThat(response.headers().firstValue("X-Checksum-SHA256")).hasValue(Content.sha256(original));
        assertThat(response.headers().firstValue("Content-Length")).hasValue(String.valueOf(original.length));
    }

    @Test
    void a_compressed_file_is_compressed_then_encrypted_and_comes_back_as_sent() throws Exception {
        byte[] original = Content.text(400_000);
        JsonNode uploaded = upload("&compress=true&compression_algorithm=gzip", "notes.txt", original);
        Path stored = server.storedFile(uploaded);

        byte[] onDisk = Files.readAllBytes(stored);
        assertThat(onDisk.length).as("compressed before it was encrypted").isLessThan(original.length / 2);
        assertThat(content(uploaded.path("file_id").asText()).body()).isEqualTo(original);

        // Offline, with the master key file only: decrypt, then decompress.
        Path out = keys.resolve("notes.out");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Commands.run(new String[] {"decrypt", "--key", keys.resolve("k2026.key").toString(), "--decompress", "gzip",
                stored.toString(), out.toString()}, Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(original);

        int wrongKey = Commands.run(new String[] {"decrypt", "--key", keys.resolve("k2025.key").toString(), stored.toString(),
                keys.resolve("wrong.out").toString()}, Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(wrongKey).isEqualTo(Commands.FAILED);
        assertThat(keys.resolve("wrong.out")).doesNotExist();
        assertThat(keys.resolve("wrong.out.partial")).doesNotExist();
    }

    @Test
    void a_changed_stored_file_is_never_served_whole() throws Exception {
        byte[] original = Content.random(300_000);
        JsonNode uploaded = upload("", "photo.jpg", original);
        Path stored = server.storedFile(uploaded);
        byte[] onDisk = Files.readAllBytes(stored);
        onDisk[onDisk.length - 100] ^= 1; // inside the last chunk
        Files.write(stored, onDisk);

        HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(
                server.uri("/api/v1/files/" + uploaded.path("file_id").asText() + "/content")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long declared = Long.parseLong(response.headers().firstValue("Content-Length").orElseThrow());
        long received = 0;
        boolean failed = false;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                received += n;
            }
        } catch (IOException e) {
            failed = true;
        }
        assertThat(declared).isEqualTo(original.length);
        assertThat(failed || received < declared).as("the client can tell: " + received + " of " + declared + " bytes").isTrue();
        assertThat(received).isLessThan(original.length);
    }

    @Test
    void a_signed_encrypted_file_verifies_against_its_original_bytes() {
        JsonNode uploaded = upload("&sign=true&compress=true&compression_algorithm=brotli", "deed.txt", Content.text(150_000));

        JsonNode verified = server.get("/api/v1/files/" + uploaded.path("file_id").asText() + "/signature/verify").json();

        assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
    }

    @Test
    void a_truncated_or_reordered_envelope_is_never_served_whole() throws Exception {
        byte[] original = Content.random(5 * 65536 + 1000);
        JsonNode cut = upload("", "cut.bin", original);
        Path cutFile = server.storedFile(cut);
        byte[] cutBytes = Files.readAllBytes(cutFile);
        // Without its last chunk (1000 bytes and a 16-byte tag): the chunk now last was not sealed as the last one.
        Files.write(cutFile, java.util.Arrays.copyOf(cutBytes, cutBytes.length - 1016));
        assertCutShort(cut.path("file_id").asText(), original.length);

        JsonNode swapped = upload("", "swapped.bin", original);
        Path swappedFile = server.storedFile(swapped);
        byte[] bytes = Files.readAllBytes(swappedFile);
        int sealedChunk = 65536 + 16;
        int header = bytes.length - (original.length + 6 * 16);
        byte[] reordered = bytes.clone();
        System.arraycopy(bytes, header + sealedChunk, reordered, header + 2 * sealedChunk, sealedChunk);
        System.arraycopy(bytes, header + 2 * sealedChunk, reordered, header + sealedChunk, sealedChunk);
        Files.write(swappedFile, reordered);
        assertCutShort(swapped.path("file_id").asText(), original.length);
    }

    private static void assertCutShort(String fileId, long size) throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(server.uri("/api/v1/files/" + fileId + "/content"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        long received = 0;
        boolean failed = false;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                received += n;
            }
        } catch (IOException e) {
            failed = true;
        }
        assertThat(failed || received < size).as("received " + received + " of " + size).isTrue();
        assertThat(received).isLessThan(size);
    }

    @Test
    void content_of_an_unknown_file_is_404() throws Exception {
        HttpResponse<byte[]> response = content(java.util.UUID.randomUUID().toString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("file_not_found");
    }
}
