package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/files/upload} with the file as the raw body and its fields in the query string or headers. */
class RawUploadTest {

    private static final int MAX_FILE_SIZE = 1024 * 1024;
    private static final String PATH = "/api/v1/files/upload";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().env("MAX_FILE_SIZE", String.valueOf(MAX_FILE_SIZE)).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_raw_body_with_query_fields_is_stored_and_answers_as_a_multipart_upload() throws IOException {
        byte[] content = Content.random(200_000);
        Reply reply = server.send(raw(PATH + "?target_mode=edit&description=a%20scan&metadata=%7B%22project%22%3A%22atlas%22%7D"
                + "&checksum=" + Content.sha256(content) + "&file_size=" + content.length, content)
                .header("Content-Disposition", "attachment; filename=\"fallback.bin\"; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode json = reply.json();
        assertThat(json.path("original_filename").asText()).isEqualTo("отчёт.pdf");
        assertThat(json.path("storage_filename").asText()).startsWith("отчёт_anonymous_").endsWith(json.path("file_id").asText() + ".pdf");
        assertThat(json.path("file_size").asLong()).isEqualTo(content.length);
        assertThat(json.path("checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(json.path("mode").asText()).isEqualTo("edit");
        assertThat(json.path("storage_element_id").asText()).isEqualTo("local-edit");
        assertThat(json.has("saga_id")).isTrue();
        assertThat(Files.readAllBytes(server.storedFile(json))).isEqualTo(content);
        JsonNode read = server.get("/api/v1/files/" + json.path("file_id").asText()).json();
        assertThat(read.path("description").asText()).isEqualTo("a scan");
        assertThat(read.path("metadata").path("project").asText()).isEqualTo("atlas");
        assertThat(read.path("content_type").asText()).isEqualTo("application/octet-stream");
        assertThat(server.spoolFiles()).isEmpty();
        assertThat(server.outstandingBytes()).isZero();
    }

    @Test
    void fields_may_come_as_x_artstore_headers_and_the_name_as_a_query_parameter() throws IOException {
        byte[] content = Content.text(100_000);
        Reply reply = server.send(raw(PATH + "?filename=notes.txt", content)
                .header("X-ArtStore-Retention-Policy", "permanent")
                .header("X-ArtStore-Compression-Algorithm", "gzip")
                .header("X-ArtStore-Checksum", Content.sha256(content)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode json = reply.json();
        assertThat(json.path("original_filename").asText()).isEqualTo("notes.txt");
        assertThat(json.path("mode").asText()).isEqualTo("rw");
        assertThat(json.path("compression_algorithm").asText()).isEqualTo("gzip");
        try (InputStream stored = new GzipCodec(1).decompressing(Files.newInputStream(server.storedFile(json)))) {
            assertThat(stored.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void a_body_without_a_length_streams_too() throws IOException {
        byte[] content = Content.random(300_000);
        Reply reply = server.send(HttpRequest.newBuilder(server.uri(PATH + "?target_mode=edit&filename=chunked.bin"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(content))));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        Path stored = server.storedFile(reply.json());
        assertThat(Files.readAllBytes(stored)).isEqualTo(content);
    }

    @Test
    void a_raw_upload_without_a_name_or_a_mode_is_refused() {
        refused(() -> server.send(raw(PATH + "?target_mode=edit", Content.random(10))), 400, "missing_filename");
        refused(() -> server.send(raw(PATH + "?target_mode=edit", Content.random(10)).header("Content-Disposition", "attachment")),
                400, "missing_filename");
        refused(() -> server.send(raw(PATH + "?filename=a.txt", Content.random(10))), 400, "missing_target_mode");
    }

    @Test
    void a_name_that_cannot_be_read_or_stored_is_refused() {
        for (String disposition : List.of("attachment; filename*=UTF-8''a%00.txt", "attachment; filename*=UTF-8''a%ZZ.txt",
                "attachment; filename=\"???\"")) {
            refused(() -> server.send(raw(PATH + "?target_mode=edit", Content.random(10)).header("Content-Disposition", disposition)),
                    400, "invalid_filename");
        }
        refused(() -> server.send(raw(PATH + "?target_mode=edit&filename=b.txt", Content.random(10))
                .header("Content-Disposition", "attachment; filename=\"a.txt\"")), 400, "duplicate_field");
    }

    @Test
    void fields_are_checked_as_in_a_multipart_upload() {
        byte[] content = Content.random(1000);
        refused(() -> server.send(raw(PATH + "?filename=a.bin&target_mode=edit&checksum=" + Content.sha256(Content.random(5)), content)),
                422, "checksum_mismatch");
        refused(() -> server.send(raw(PATH + "?filename=a.bin", content).header("X-ArtStore-Target-Mode", "edit")
                .header("X-ArtStore-File-Size", "999")), 422, "size_mismatch");
        refused(() -> server.send(raw(PATH + "?filename=a.bin&target_mode=rw", content).header("X-ArtStore-Target-Mode", "edit")),
                400, "duplicate_field");
        refused(() -> server.send(raw(PATH + "?filename=a.bin", content).header("X-ArtStore-Target-Mode", "ro")),
                400, "invalid_target_mode");
        refused(() -> server.send(raw(PATH + "?filename=a.bin&target_mode=edit", content).header("X-ArtStore-Metadata", "[1]")),
                400, "invalid_metadata");
        refused(() -> server.send(raw(PATH + "?filename=a.bin&target_mode=edit", content).header("X-ArtStore-Sign", "maybe")),
                400, "invalid_sign");
        refused(() -> server.send(raw(PATH + "?filename=a.bin&target_mode=edit", new byte[0])), 400, "empty_file");
        refused(() -> server.send(raw(PATH + "?filename=a.bin&target_mode=edit", Content.random(MAX_FILE_SIZE + 1))),
                413, "file_too_large");
    }

    @Test
    void a_body_of_another_type_is_still_refused_as_not_multipart() {
        refused(() -> server.send(HttpRequest.newBuilder(server.uri(PATH + "?target_mode=edit&filename=a.txt"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofByteArray(Content.random(10)))),
                400, "not_multipart");
    }

    @Test
    void field_headers_are_named_after_the_fields() {
        assertThat(UploadRoutes.headerOf("target_mode")).isEqualTo("X-ArtStore-Target-Mode");
        assertThat(UploadRoutes.headerOf("sign")).isEqualTo("X-ArtStore-Sign");
        assertThat(UploadRoutes.headerOf("compression_algorithm")).isEqualTo("X-ArtStore-Compression-Algorithm");
    }

    private static HttpRequest.Builder raw(String pathAndQuery, byte[] body) {
        return HttpRequest.newBuilder(server.uri(pathAndQuery)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** Sends the request, checks the answer, and that it left no file and no reservation behind. */
    private static void refused(Supplier<Reply> request, int status, String code) {
        List<Path> before = server.files();
        Reply reply = request.get();
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.code()).as(reply.toString()).isEqualTo(code);
        assertThat(reply.json().path("message").asText()).isNotBlank();
        assertThat(server.files()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(server.outstandingBytes()).isZero();
        assertThat(server.spoolFiles()).isEmpty();
    }
}
