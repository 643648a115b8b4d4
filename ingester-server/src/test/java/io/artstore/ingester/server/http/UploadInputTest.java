package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upload input that used to get a 500 or a misleading error: file names with a NUL byte, too long or missing,
 * metadata with trailing text or duplicate keys, booleans outside the documented words, a TTL on a permanent
 * file, and names that would be stored hidden. Every refusal leaves nothing behind.
 */
class UploadInputTest {

    private static final String DISPOSITION = "Content-Disposition: form-data; name=\"file\"";
    private static final String OCTETS = "Content-Type: application/octet-stream";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().adminApi().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // --- File names ---

    @ParameterizedTest
    @ValueSource(strings = {"; filename=\"a\u0000.txt\"", "; filename*=UTF-8''a%00.txt", "; filename*=UTF-8''a%ZZ.txt", "; filename=\"x.txt\"; filename*=UTF-8''a%00.txt"})
    void a_nul_byte_in_the_file_name_is_refused_in_either_order(String parameters) {
        byte[] content = Content.random(10);
        refused(() -> server.upload("?target_mode=edit", Multipart.form().part(List.of(DISPOSITION + parameters, OCTETS), content)),
                400, "invalid_filename");
        refused(() -> server.upload(Multipart.form().part(List.of(DISPOSITION + parameters, OCTETS), content)
                .field("target_mode", "edit")), 400, "invalid_filename");
    }

    @Test
    void a_200_character_name_fits_even_with_its_encoded_twin() {
        String name = "ж".repeat(196) + ".pdf";
        String encoded = percentEncoded(name);
        Reply reply = server.upload("?target_mode=edit", Multipart.form().part(List.of(
                DISPOSITION + "; filename=\"" + name + "\"; filename*=UTF-8''" + encoded, OCTETS), Content.random(10)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("original_filename").asText()).isEqualTo(name);
    }

    @Test
    void a_name_longer_than_the_part_header_limit_is_refused_naming_the_limit() {
        String name = "n".repeat(UploadRoutes.MAX_PART_HEADER_BYTES) + ".txt";
        for (Multipart form : List.of(
                Multipart.form().field("target_mode", "edit").file(name, Content.random(10)),
                Multipart.form().file(name, Content.random(10)).field("target_mode", "edit"))) {
            Reply reply = refused(() -> server.upload(form), 400, "filename_too_long");
            assertThat(reply.json().path("message").asText()).contains(String.valueOf(UploadRoutes.MAX_PART_HEADER_BYTES));
        }
    }

    @Test
    void a_file_part_without_a_filename_is_refused_as_missing_filename() {
        refused(() -> server.upload("?target_mode=edit", Multipart.form().part(List.of(DISPOSITION, OCTETS), Content.random(10))),
                400, "missing_filename");
        refused(() -> server.upload(Multipart.form().part(List.of(DISPOSITION), Content.random(10)).field("target_mode", "edit")),
                400, "missing_filename");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "..\\..\\etc\\passwd", "/etc/passwd", ".hidden", "..", "._.x.txt"})
    void a_stored_name_never_starts_with_a_dot(String name) {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file(name, Content.random(10)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode json = reply.json();
        String stored = json.path("storage_filename").asText();
        assertThat(stored).doesNotStartWith(".").doesNotStartWith("_").doesNotContain("/").doesNotContain("\\");
        assertThat(json.path("original_filename").asText()).isEqualTo(name);
        Path file = server.storedFile(json);
        assertThat(file).exists();
        assertThat(file.getFileName().toString()).isEqualTo(stored);
    }

    @Test
    void a_traversal_name_becomes_a_visible_name_in_the_folder_of_the_hour() {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("../../etc/passwd", Content.random(10)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("storage_filename").asText()).startsWith("etc_passwd_anonymous_");
    }

    // --- Fields ---

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1} xyz", "{\"a\":1}}", "{\"a\":1} {\"b\":2}", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}"})
    void metadata_with_trailing_text_or_duplicate_keys_is_refused(String metadata) {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("metadata", metadata)
                .file("a.txt", Content.random(10))), 400, "invalid_metadata");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "1", "0", "y", "enabled"})
    void a_boolean_outside_the_documented_words_is_refused(String value) {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("compress", value)
                .file("a.txt", Content.random(10))), 400, "invalid_compress");
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("sign", value)
                .file("a.txt", Content.random(10))), 400, "invalid_sign");
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "false", "on", "off", "TRUE", "Off"})
    void the_documented_boolean_words_are_taken(String value) {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").field("compress", value)
                .field("sign", value).file("a.txt", Content.random(10)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    }

    @Test
    void ttl_days_on_a_permanent_upload_is_refused() {
        refused(() -> server.upload(Multipart.form().field("target_mode", "rw").field("ttl_days", "10")
                .file("a.txt", Content.random(10))), 400, "conflicting_ttl_days");
        refused(() -> server.upload(Multipart.form().file("a.txt", Content.random(10)).field("ttl_days", "10")
                .field("retention_policy", "permanent")), 400, "conflicting_ttl_days");
    }

    private static String percentEncoded(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 0x80 || c == '.') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** Sends the request, checks the answer, and that it left no file, spool file, reservation or saga behind. */
    private static Reply refused(Supplier<Reply> request, int status, String code) {
        List<Path> before = server.files();
        int sagas = server.sagaCount();
        Reply reply = request.get();
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.code()).as(reply.toString()).isEqualTo(code);
        assertThat(reply.json().path("message").asText()).isNotBlank();
        assertThat(reply.json().path("detail").asText()).isNotBlank();
        assertThat(server.files()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(server.outstandingBytes()).isZero();
        assertThat(server.spoolFiles()).isEmpty();
        assertThat(server.sagaCount()).as("sagas").isEqualTo(sagas);
        return reply;
    }
}
