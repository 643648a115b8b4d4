package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.testing.StoreRequestBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemoteFileTest {

    private static final String ID = "0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String CHECKSUM = "a".repeat(64);

    /** The SE's metadata answer, exactly the documented fields, with {@code extra} JSON members appended. */
    private static String answer(String createdAt, String extra) {
        return """
                {"file_id": "%s", "original_filename": "a.txt", "storage_filename": "a_ingester_20250102T153045_%s.txt",
                 "file_size": 5, "content_type": "text/plain", "created_at": "%s",
                 "created_by_username": "ingester", "created_by_fullname": null, "description": null, "version": "3",
                 "storage_path": "2025/01/02/15/", "checksum": "%s", "cache_updated_at": "2025-01-02T16:00:00",
                 "cache_ttl_hours": 24, "cache_expired": false%s}
                """.formatted(ID, ID, createdAt, CHECKSUM, extra);
    }

    @Test
    void an_answer_without_metadata_reads_as_an_unstaged_file_of_the_se_account() {
        RemoteFile file = RemoteFile.parse(Json.read(answer("2025-01-02T15:30:45.123456", "")));

        FileAttributes attributes = file.attributes();
        assertThat(attributes.createdAt()).isEqualTo(Instant.parse("2025-01-02T15:30:45.123456Z"));
        assertThat(attributes.updatedAt()).isEqualTo(attributes.createdAt());
        assertThat(attributes.createdByUsername()).isEqualTo("ingester");
        assertThat(attributes.createdById()).isEqualTo("ingester");
        assertThat(attributes.createdByFullname()).isEmpty();
        assertThat(attributes.description()).isEmpty();
        assertThat(attributes.version()).contains("3");
        assertThat(attributes.metadata()).isEmpty();
        assertThat(file.staged()).isFalse();
        assertThat(file.sidecar(".sig")).isEmpty();
    }

    @Test
    void timestamps_with_an_offset_are_read_too() {
        RemoteFile file = RemoteFile.parse(Json.read(answer("2025-01-02T17:30:45+02:00", "")));

        assertThat(file.attributes().createdAt()).isEqualTo(Instant.parse("2025-01-02T15:30:45Z"));
    }

    @Test
    void bookkeeping_is_hidden_while_the_cores_own_fields_stay() {
        StoreRequest request = aStoreRequest().build();
        Map<String, Object> metadata = RemoteFile.forUpload(
                Map.of("project", "atlas", "ingester", Map.of("compressed", true)), request, true);
        RemoteFile staged = RemoteFile.parse(Json.read(answer("2025-01-02T16:00:00Z",
                ", \"metadata\": " + new String(Json.write(metadata), StandardCharsets.UTF_8))));

        assertThat(staged.staged()).isTrue();
        assertThat(staged.attributes().metadata())
                .isEqualTo(Map.of("project", "atlas", "ingester", Map.of("compressed", true)));
        assertThat(staged.attributes().createdAt()).isEqualTo(StoreRequestBuilder.CREATED_AT);
        assertThat(staged.attributes().createdById()).isEqualTo(request.uploader().id());
        assertThat(staged.attributes().createdByUsername()).isEqualTo(request.uploader().username());
        assertThat(staged.attributes().createdByFullname()).isEqualTo(request.uploader().fullname());

        RemoteFile published = RemoteFile.parse(Json.read(answer("2025-01-02T16:00:00Z",
                ", \"metadata\": " + new String(Json.write(staged.published()), StandardCharsets.UTF_8))));
        assertThat(published.staged()).isFalse();
        assertThat(published.attributes()).isEqualTo(staged.attributes());
    }

    @Test
    void sidecars_are_kept_as_base64_and_removed_without_a_trace() {
        RemoteFile plain = RemoteFile.parse(Json.read(answer("2025-01-02T16:00:00Z", ", \"metadata\": {\"k\": 1}")));
        Map<String, Object> withSignature = plain.withSidecar(".sig", Optional.of(new byte[] {1, 2, 3}));
        RemoteFile signed = RemoteFile.parse(Json.read(answer("2025-01-02T16:00:00Z",
                ", \"metadata\": " + new String(Json.write(withSignature), StandardCharsets.UTF_8))));

        assertThat(signed.sidecar(".sig")).hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(1, 2, 3));
        assertThat(signed.attributes().metadata()).isEqualTo(Map.of("k", 1));
        assertThat(signed.withSidecar(".sig", Optional.empty())).isEqualTo(Map.of("k", 1));
    }

    @Test
    void an_upload_whose_metadata_write_never_came_is_unconfirmed() {
        RemoteFile bare = RemoteFile.parse(Json.read(answer("2025-01-02T16:00:00Z", ", \"metadata\": {}")));
        RemoteFile silent = RemoteFile.parse(Json.read(answer("2025-01-02T16:00:00Z", "")));
        Map<String, Object> written = RemoteFile.forUpload(Map.of(), aStoreRequest().build(), false);
        RemoteFile stored = RemoteFile.parse(Json.read(answer("2025-01-02T16:00:00Z",
                ", \"metadata\": " + new String(Json.write(written), StandardCharsets.UTF_8))));

        assertThat(bare.unconfirmed()).isTrue();
        assertThat(bare.staged()).isFalse();
        assertThat(silent.unconfirmed()).as("an SE that reports no metadata tells nothing").isFalse();
        assertThat(stored.unconfirmed()).isFalse();
    }
}
