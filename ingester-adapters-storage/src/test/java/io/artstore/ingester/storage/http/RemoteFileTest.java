package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.testing.StoreRequestBuilder;
import java.time.Instant;
import java.util.Map;
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
    void an_answer_reads_as_a_file_of_the_se_account_with_no_metadata() {
        RemoteFile file = RemoteFile.parse(Json.read(answer("2025-01-02T15:30:45.123456", "")));

        FileAttributes attributes = file.attributes();
        assertThat(attributes.createdAt()).isEqualTo(Instant.parse("2025-01-02T15:30:45.123456Z"));
        assertThat(attributes.updatedAt()).isEqualTo(attributes.createdAt());
        assertThat(attributes.createdByUsername()).isEqualTo("ingester");
        assertThat(attributes.createdById()).isEqualTo("ingester");
        assertThat(attributes.createdByFullname()).isEmpty();
        assertThat(attributes.version()).contains("3");
        assertThat(attributes.storagePath()).isEqualTo("2025/01/02/15/");
        assertThat(attributes.metadata()).isEmpty();
    }

    @Test
    void a_metadata_member_is_not_read_back_even_when_an_se_sends_one() {
        RemoteFile file = RemoteFile.parse(Json.read(answer("2025-01-02T15:30:45Z",
                ", \"metadata\": {\"ingester\": {\"staging\": \"staged\", \"original_size\": 99}}")));

        assertThat(file.attributes().metadata()).isEmpty();
    }

    @Test
    void an_uploaded_file_keeps_the_se_placement_and_the_request_provenance_and_metadata() {
        RemoteFile se = RemoteFile.parse(Json.read(answer("2025-01-02T15:30:45Z", "")));
        StoreRequest request = aStoreRequest().description("d").build();
        Map<String, Object> metadata = Map.of("project", "atlas");

        FileAttributes uploaded = RemoteFile.asUploaded(se, request, metadata);

        assertThat(uploaded.storageFilename()).isEqualTo(se.attributes().storageFilename());
        assertThat(uploaded.storagePath()).isEqualTo("2025/01/02/15/");
        assertThat(uploaded.checksum()).isEqualTo(se.attributes().checksum());
        assertThat(uploaded.createdAt()).isEqualTo(StoreRequestBuilder.CREATED_AT);
        assertThat(uploaded.createdByUsername()).isEqualTo(request.uploader().username());
        assertThat(uploaded.description()).contains("d");
        assertThat(uploaded.metadata()).isEqualTo(metadata);
    }
}
