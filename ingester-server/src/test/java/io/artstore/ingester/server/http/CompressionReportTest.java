package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What an upload asked of compression and what was done, in the 201 and in the file's look-up. */
class CompressionReportTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "brotli"})
    void random_data_asked_to_be_compressed_is_stored_as_it_is_and_both_views_say_why(String algorithm) throws IOException {
        byte[] content = Content.random(300_000);
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").field("compression_algorithm", algorithm)
                .file("photo.jpg", content));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode json = reply.json();
        assertSkipped(json, algorithm, content);
        assertThat(Files.readAllBytes(server.storedFile(json))).isEqualTo(content);
        Reply located = server.get("/api/v1/files/" + json.path("file_id").asText());
        assertThat(located.status()).as(located.toString()).isEqualTo(200);
        assertSkipped(located.json(), algorithm, content);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "brotli"})
    void text_asked_to_be_compressed_is_compressed(String algorithm) {
        byte[] content = Content.text(300_000);
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").field("compression_algorithm", algorithm)
                .file("log.txt", content));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode json = reply.json();
        assertThat(json.path("compressed").asBoolean()).isTrue();
        assertThat(json.path("compression_algorithm").asText()).isEqualTo(algorithm);
        assertThat(json.path("compression").path("requested").asText()).isEqualTo(algorithm);
        assertThat(json.path("compression").path("applied").asText()).isEqualTo(algorithm);
        assertThat(json.path("compression").path("reason").isNull()).isTrue();
        assertThat(json.path("stored_size").asLong()).isLessThan(content.length / 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "text"})
    void an_upload_without_compression_reports_none_requested_and_none_applied(String kind) {
        byte[] content = kind.equals("text") ? Content.text(100_000) : Content.random(100_000);
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("a.bin", content));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode compression = reply.json().path("compression");
        assertThat(compression.path("requested").asText()).isEqualTo("none");
        assertThat(compression.path("applied").asText()).isEqualTo("none");
        assertThat(compression.path("reason").isNull()).isTrue();
    }

    private static void assertSkipped(JsonNode json, String algorithm, byte[] content) {
        assertThat(json.path("compressed").asBoolean()).isFalse();
        assertThat(json.path("compression_algorithm").isNull()).isTrue();
        assertThat(json.path("compression").path("requested").asText()).isEqualTo(algorithm);
        assertThat(json.path("compression").path("applied").asText()).isEqualTo("none");
        assertThat(json.path("compression").path("reason").asText()).isEqualTo("incompressible");
        assertThat(json.path("file_size").asLong()).isEqualTo(content.length);
        assertThat(json.path("stored_size").asLong()).isEqualTo(content.length);
        assertThat(json.path("compression_ratio").asDouble()).isEqualTo(1.0);
        assertThat(json.path("checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(json.path("stored_checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(json.path("metadata").has("ingester")).isFalse();
    }
}
