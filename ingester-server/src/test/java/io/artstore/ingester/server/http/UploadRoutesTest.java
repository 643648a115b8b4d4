package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.storage.codec.BrotliCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UploadRoutesTest {

    private static final int MAX_FILE_SIZE = 1024 * 1024;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().env("MAX_FILE_SIZE", String.valueOf(MAX_FILE_SIZE)).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // --- Success ---

    @Test
    void fields_before_the_file_stream_it_to_an_edit_element() throws IOException {
        byte[] content = Content.random(50_000);
        Reply reply = server.upload(Multipart.form()
                .field("target_mode", "edit")
                .field("description", "a report")
                .field("version", "1.0")
                .field("metadata", "{\"project\":\"atlas\",\"pages\":3}")
                .file("report.pdf", content));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode json = reply.json();
        assertThat(json.path("original_filename").asText()).isEqualTo("report.pdf");
        assertThat(json.path("storage_filename").asText()).startsWith("report_anonymous_").endsWith(json.path("file_id").asText() + ".pdf");
        assertThat(json.path("file_size").asLong()).isEqualTo(content.length);
        assertThat(json.path("stored_size").asLong()).isEqualTo(content.length);
        assertThat(json.path("compressed").asBoolean()).isFalse();
        assertThat(json.path("compression_algorithm").isNull()).isTrue();
        assertThat(json.path("checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(json.path("stored_checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(json.path("mode").asText()).isEqualTo("edit");
        assertThat(json.path("retention_policy").asText()).isEqualTo("temporary");
        assertThat(json.path("ttl_expires_at").asText()).isNotBlank();
        assertThat(json.path("storage_element_id").asText()).isEqualTo("local-edit");
        assertThat(json.path("storage_element_url").asText()).isNotBlank();
        assertThat(json.path("uploaded_at").asText()).isNotBlank();
        assertThat(json.has("signature")).isTrue();
        assertThat(json.has("saga_id")).isTrue();
        Path stored = server.storedFile(json);
        assertThat(Files.readAllBytes(stored)).isEqualTo(content);
        assertThat(stored.resolveSibling(stored.getFileName() + ".attr.json")).exists();
        assertThat(server.spoolFiles()).isEmpty();
        assertThat(server.outstandingBytes()).isZero();
    }

    @Test
    void a_file_part_before_the_fields_waits_in_the_spool_and_leaves_nothing_there() throws IOException {
        byte[] content = Content.random(70_000);
        Reply reply = server.upload(Multipart.form()
                .file("scan.tiff", content)
                .field("retention_policy", "permanent")
                .field("checksum", Content.sha256(content).toUpperCase(java.util.Locale.ROOT))
                .field("file_size", String.valueOf(content.length)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("mode").asText()).isEqualTo("rw");
        assertThat(reply.json().path("retention_policy").asText()).isEqualTo("permanent");
        assertThat(reply.json().path("ttl_expires_at").isNull()).isTrue();
        assertThat(Files.readAllBytes(server.storedFile(reply.json()))).isEqualTo(content);
        assertThat(server.spoolFiles()).isEmpty();
        assertThat(server.outstandingBytes()).isZero();
    }

    @Test
    void fields_may_come_as_query_parameters() throws IOException {
        byte[] content = Content.random(1000);
        Reply reply = server.upload("?target_mode=rw&description=from%20query&storage_element_id=local-rw",
                Multipart.form().file("data.bin", content));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("storage_element_id").asText()).isEqualTo("local-rw");
        JsonNode located = server.get("/api/v1/files/" + reply.json().path("file_id").asText()).json();
        assertThat(located.path("description").asText()).isEqualTo("from query");
        assertThat(Files.readAllBytes(server.storedFile(reply.json()))).isEqualTo(content);
    }

    @Test
    void a_unicode_file_name_is_kept() {
        String name = "отчёт 2025 — финал.pdf";
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file(name, Content.random(10)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("original_filename").asText()).isEqualTo(name);
        assertThat(reply.json().path("storage_filename").asText()).startsWith("отчёт 2025 — финал_anonymous_").endsWith(".pdf");
        assertThat(server.storedFile(reply.json())).exists();
    }

    @Test
    void a_gzip_upload_is_stored_compressed_and_decompresses_to_the_original() throws IOException {
        byte[] content = Content.text(200_000);
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").field("compression_algorithm", "gzip")
                .file("log.txt", content));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode json = reply.json();
        assertThat(json.path("compressed").asBoolean()).isTrue();
        assertThat(json.path("compression_algorithm").asText()).isEqualTo("gzip");
        assertThat(json.path("stored_size").asLong()).isLessThan(content.length);
        assertThat(json.path("compression_ratio").asDouble()).isLessThan(1.0);
        assertThat(json.path("checksum").asText()).isEqualTo(Content.sha256(content));
        Path stored = server.storedFile(json);
        assertThat(Files.size(stored)).isEqualTo(json.path("stored_size").asLong());
        try (InputStream in = new GzipCodec(1).decompressing(Files.newInputStream(stored))) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void a_brotli_upload_is_stored_compressed_and_decompresses_to_the_original() throws IOException {
        byte[] content = Content.text(200_000);
        Reply reply = server.upload("?compress=on", Multipart.form().field("target_mode", "edit").file("log.txt", content));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode json = reply.json();
        assertThat(json.path("compression_algorithm").asText()).as("the default algorithm").isEqualTo("brotli");
        assertThat(json.path("stored_size").asLong()).isLessThan(content.length);
        Path stored = server.storedFile(json);
        assertThat(Content.sha256(Files.readAllBytes(stored))).isEqualTo(json.path("stored_checksum").asText());
        try (InputStream in = new BrotliCodec(1).decompressing(Files.newInputStream(stored))) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void a_file_of_exactly_the_maximum_size_is_taken() {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("max.bin", Content.random(MAX_FILE_SIZE)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    }

    @Test
    void blank_and_unknown_fields_are_ignored_wherever_they_are() {
        Reply reply = server.upload(Multipart.form().field("client_notes", "x".repeat(100_000))
                .field("target_mode", "edit").file("a.txt", Content.random(10))
                .field("file_id", "ignored as by ArtStore").field("description", ""));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    }

    // --- Refusals: each leaves nothing on disk and no reservation ---

    @Test
    void no_target_mode_is_refused() {
        refused(() -> server.upload(Multipart.form().file("a.txt", Content.random(10))), 400, "missing_target_mode");
        refused(() -> server.upload(Multipart.form().field("target_mode", " ").file("a.txt", Content.random(10))),
                400, "missing_target_mode");
    }

    @ParameterizedTest
    @ValueSource(strings = {"archive", "ro", "ar"})
    void an_unknown_or_read_only_target_mode_is_refused(String mode) {
        refused(() -> server.upload(Multipart.form().field("target_mode", mode).file("a.txt", Content.random(10))),
                400, "invalid_target_mode");
    }

    @Test
    void a_retention_policy_that_contradicts_the_target_mode_is_refused() {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("retention_policy", "permanent")
                .file("a.txt", Content.random(10))), 400, "conflicting_target_mode");
        refused(() -> server.upload(Multipart.form().field("retention_policy", "forever").file("a.txt", Content.random(10))),
                400, "invalid_retention_policy");
    }

    @Test
    void a_body_that_is_not_multipart_is_refused() {
        refused(() -> server.post("/api/v1/files/upload?target_mode=edit", "text/plain", Content.random(10)),
                400, "not_multipart");
    }

    @Test
    void a_malformed_multipart_body_is_refused() {
        refused(() -> server.post("/api/v1/files/upload?target_mode=edit", "multipart/form-data; boundary=xyz",
                "this is not multipart at all".getBytes(StandardCharsets.UTF_8)), 400, "malformed_multipart");
        refused(() -> server.post("/api/v1/files/upload?target_mode=edit", "multipart/form-data",
                Multipart.form().file("a.txt", Content.random(10)).bytes()), 400, "malformed_multipart");
    }

    @Test
    void a_body_that_ends_before_its_closing_boundary_is_malformed_in_either_order() {
        Multipart streamed = Multipart.form().field("target_mode", "edit").file("a.bin", Content.random(300_000));
        refused(() -> server.post("/api/v1/files/upload", streamed.contentType(), streamed.head()), 400, "malformed_multipart");
        Multipart spooled = Multipart.form().file("a.bin", Content.random(300_000)).field("target_mode", "edit");
        refused(() -> server.post("/api/v1/files/upload", spooled.contentType(), spooled.head()), 400, "malformed_multipart");
    }

    @Test
    void a_preamble_transport_padding_and_an_epilogue_are_taken() throws IOException {
        byte[] content = Content.random(70_000);
        Multipart form = Multipart.form().field("target_mode", "edit").file("a.bin", content);
        String boundary = form.boundary();
        String head = new String(form.head(), StandardCharsets.ISO_8859_1).replace("--" + boundary + "\r\n", "--" + boundary + " \t\r\n");
        byte[] body = ("a preamble\r\n" + head + "--" + boundary + "--\r\nan epilogue").getBytes(StandardCharsets.ISO_8859_1);

        Reply reply = server.post("/api/v1/files/upload", form.contentType(), body);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(Files.readAllBytes(server.storedFile(reply.json()))).isEqualTo(content);
    }

    @Test
    void an_upload_without_a_file_part_is_refused() {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit")), 400, "missing_file");
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit")
                .file("attachment", "a.txt", "text/plain", Content.random(10))), 400, "missing_file");
    }

    @Test
    void two_file_parts_are_refused_in_either_order() {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit")
                .file("a.txt", Content.random(10)).file("b.txt", Content.random(10))), 400, "too_many_files");
        refused(() -> server.upload(Multipart.form().file("a.txt", Content.random(10)).file("b.txt", Content.random(10))
                .field("target_mode", "edit")), 400, "too_many_files");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "[1,2]", "\"text\"", "{\"ingester\":{}}"})
    void metadata_that_is_not_a_json_object_of_the_client_is_refused(String metadata) {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("metadata", metadata)
                .file("a.txt", Content.random(10))), 400, "invalid_metadata");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "366", "-1", "ten"})
    void ttl_days_outside_1_to_365_are_refused(String days) {
        refused(() -> server.upload(Multipart.form().file("a.txt", Content.random(10)).field("target_mode", "edit")
                .field("ttl_days", days)), 400, "invalid_ttl_days");
    }

    @Test
    void an_unknown_compression_algorithm_is_refused() {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("compression_algorithm", "zstd")
                .file("a.txt", Content.random(10))), 400, "unsupported_compression");
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("compression_algorithm", "gzip")
                .field("compress", "off").file("a.txt", Content.random(10))), 400, "conflicting_compression");
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("compress", "maybe")
                .file("a.txt", Content.random(10))), 400, "invalid_compress");
    }

    @Test
    void an_empty_file_is_refused_in_either_order() {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").file("empty.txt", new byte[0])), 400, "empty_file");
        refused(() -> server.upload(Multipart.form().file("empty.txt", new byte[0]).field("target_mode", "edit")), 400, "empty_file");
    }

    @Test
    void a_name_that_sanitises_to_nothing_is_refused() {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").file("???", Content.random(10))),
                400, "invalid_filename");
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").file("", Content.random(10))),
                400, "missing_filename");
    }

    @Test
    void a_declared_size_that_the_bytes_contradict_is_refused_in_either_order() {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("file_size", "11")
                .file("a.txt", Content.random(10))), 422, "size_mismatch");
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("file_size", "9")
                .file("a.txt", Content.random(10))), 422, "size_mismatch");
        refused(() -> server.upload(Multipart.form().file("a.txt", Content.random(10)).field("target_mode", "edit")
                .field("file_size", "9")), 422, "size_mismatch");
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("file_size", "many")
                .file("a.txt", Content.random(10))), 400, "invalid_file_size");
    }

    @Test
    void a_checksum_that_the_bytes_contradict_is_refused_in_either_order() {
        String other = Content.sha256(Content.random(11));
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("checksum", other)
                .file("a.txt", Content.random(10))), 422, "checksum_mismatch");
        refused(() -> server.upload(Multipart.form().file("a.txt", Content.random(10)).field("checksum", other)
                .field("target_mode", "rw")), 422, "checksum_mismatch");
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("checksum", "abc")
                .file("a.txt", Content.random(10))), 400, "invalid_checksum");
    }

    @Test
    void a_file_over_the_maximum_is_refused() {
        byte[] tooBig = Content.random(MAX_FILE_SIZE + 1);
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").file("big.bin", tooBig)), 413, "file_too_large");
        refused(() -> server.upload(Multipart.form().file("big.bin", tooBig).field("target_mode", "edit")), 413, "file_too_large");
    }

    @Test
    void a_declared_size_or_request_length_over_the_maximum_is_refused_before_the_body_is_read() {
        refused(() -> server.upload("?file_size=" + (MAX_FILE_SIZE + 1),
                Multipart.form().field("target_mode", "edit").file("a.txt", Content.random(10))), 413, "file_too_large");
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").file("huge.bin", Content.random(3 * MAX_FILE_SIZE))),
                413, "file_too_large");
    }

    @Test
    void an_unknown_storage_element_is_refused() {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("storage_element_id", "nowhere")
                .file("a.txt", Content.random(10))), 400, "unknown_storage_element");
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("storage_element_id", "local-rw")
                .file("a.txt", Content.random(10))), 409, "wrong_mode");
    }

    @Test
    void a_control_field_after_a_streamed_file_is_refused_before_the_file_is_kept() {
        refused(() -> server.upload("?target_mode=edit", Multipart.form().file("a.txt", Content.random(10))
                .field("checksum", Content.sha256(Content.random(10)))), 400, "field_after_file");
    }

    @Test
    void an_oversized_control_field_is_refused() {
        refused(() -> server.upload(Multipart.form().field("target_mode", "edit").field("description", "x".repeat(70_000))
                .file("a.txt", Content.random(10))), 400, "field_too_large");
    }

    @Test
    void the_same_field_with_two_values_is_refused() {
        refused(() -> server.upload("?target_mode=edit", Multipart.form().field("target_mode", "rw")
                .file("a.txt", Content.random(10))), 400, "duplicate_field");
    }

    /** Sends the request, checks the answer, and that it left no file and no reservation behind. */
    private static void refused(Supplier<Reply> request, int status, String code) {
        List<Path> before = server.files();
        Reply reply = request.get();
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.code()).as(reply.toString()).isEqualTo(code);
        assertThat(reply.json().path("message").asText()).isNotBlank();
        assertThat(reply.json().path("detail").asText()).isNotBlank();
        assertThat(server.files()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(server.outstandingBytes()).isZero();
        assertThat(server.spoolFiles()).isEmpty();
    }
}
