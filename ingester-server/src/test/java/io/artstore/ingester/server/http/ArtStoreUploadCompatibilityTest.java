package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Uploads as the ArtStore ingester's clients send them: the file part first, then its form fields. */
class ArtStoreUploadCompatibilityTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_temporary_upload_answers_the_artstore_fields() {
        byte[] content = Content.random(20_000);

        Reply reply = server.upload(Multipart.form()
                .file("report.pdf", content)
                .field("retention_policy", "temporary")
                .field("ttl_days", "7")
                .field("metadata", "{\"project\":\"atlas\",\"pages\":3}")
                .field("description", "a report"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonNode json = reply.json();
        assertThat(UUID.fromString(json.path("file_id").asText())).isNotNull();
        assertThat(json.path("original_filename").asText()).isEqualTo("report.pdf");
        assertThat(json.path("storage_filename").asText()).endsWith(json.path("file_id").asText() + ".pdf");
        assertThat(json.path("file_size").asLong()).isEqualTo(content.length);
        assertThat(json.path("compressed").asBoolean()).isFalse();
        assertThat(json.path("compression_ratio").isNumber()).isTrue();
        assertThat(json.path("checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(json.path("storage_element_url").asText()).isNotEmpty();
        assertThat(json.path("storage_element_id").asText()).isEqualTo("local-edit");
        assertThat(json.path("retention_policy").asText()).isEqualTo("temporary");
        Instant uploaded = Instant.parse(json.path("uploaded_at").asText());
        assertExpiresAfter(json, uploaded, Duration.ofDays(7));

        JsonNode stored = server.get("/api/v1/files/" + json.path("file_id").asText()).json();
        assertThat(stored.path("metadata").path("project").asText()).isEqualTo("atlas");
        assertThat(stored.path("metadata").path("pages").asInt()).isEqualTo(3);
        assertThat(stored.path("description").asText()).isEqualTo("a report");
    }

    @Test
    void a_temporary_upload_without_ttl_days_is_kept_30_days() {
        Reply reply = server.upload(Multipart.form().file("draft.txt", Content.random(100)).field("retention_policy", "temporary"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        Instant uploaded = Instant.parse(reply.json().path("uploaded_at").asText());
        assertExpiresAfter(reply.json(), uploaded, Duration.ofDays(30));
    }

    @Test
    void a_permanent_upload_goes_to_rw_without_ttl_and_the_old_storage_mode_field_is_ignored() {
        Reply reply = server.upload(Multipart.form().file("final.txt", Content.random(100))
                .field("retention_policy", "permanent")
                .field("storage_mode", "edit"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("retention_policy").asText()).isEqualTo("permanent");
        assertThat(reply.json().path("storage_element_id").asText()).isEqualTo("local-rw");
        assertThat(reply.json().path("ttl_expires_at").isNull()).isTrue();
    }

    @Test
    void compression_algorithm_none_means_no_compression() {
        Reply reply = server.upload(Multipart.form().file("plain.txt", Content.text(5_000))
                .field("retention_policy", "temporary")
                .field("compress", "false")
                .field("compression_algorithm", "none"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("compressed").asBoolean()).isFalse();

        Reply conflicting = server.upload(Multipart.form().file("plain.txt", Content.text(5_000))
                .field("retention_policy", "temporary")
                .field("compress", "true")
                .field("compression_algorithm", "none"));
        assertThat(conflicting.status()).as(conflicting.toString()).isEqualTo(400);
        assertThat(conflicting.code()).isEqualTo("conflicting_compression");
    }

    @Test
    void a_description_longer_than_the_registry_keeps_is_refused() {
        Reply longest = server.upload(Multipart.form().file("a.txt", Content.random(10))
                .field("retention_policy", "temporary").field("description", "d".repeat(1000)));
        assertThat(longest.status()).as(longest.toString()).isEqualTo(201);

        Reply tooLong = server.upload(Multipart.form().file("a.txt", Content.random(10))
                .field("retention_policy", "temporary").field("description", "d".repeat(1001)));
        assertThat(tooLong.status()).as(tooLong.toString()).isEqualTo(400);
        assertThat(tooLong.code()).isEqualTo("invalid_description");
        assertThat(tooLong.json().path("detail").asText()).contains("1000");
    }

    @Test
    void an_unknown_retention_policy_is_a_clear_400() {
        Reply reply = server.upload(Multipart.form().file("a.txt", Content.random(10)).field("retention_policy", "forever"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("invalid_retention_policy");
    }

    /** {@code uploaded_at} is kept to the microsecond, as ArtStore writes times; the expiry may carry more digits. */
    private static void assertExpiresAfter(JsonNode json, Instant uploaded, Duration ttl) {
        assertThat(Instant.parse(json.path("ttl_expires_at").asText()))
                .isBetween(uploaded.plus(ttl), uploaded.plus(ttl).plusNanos(999));
    }
}
