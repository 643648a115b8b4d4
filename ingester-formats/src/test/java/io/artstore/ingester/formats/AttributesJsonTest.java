package io.artstore.ingester.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AttributesJsonTest {

    private static final Instant AT = Instant.parse("2025-01-02T15:30:45.123456Z");

    @Test
    void attributes_survive_the_round_trip_including_nested_metadata() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("ingester", Map.of("original_size", 3_000_000_000L, "compressed", true));
        metadata.put("ratio", 0.5);
        metadata.put("list", List.of(1, "two", List.of(3)));
        metadata.put("nothing", null);
        FileAttributes attributes = attributes(metadata);

        FileAttributes read = AttributesJson.fromBytes(AttributesJson.toBytes(attributes));

        assertThat(read).isEqualTo(attributes);
        assertThat(List.copyOf(read.metadata().keySet())).containsExactly("ingester", "ratio", "list", "nothing");
    }

    @Test
    void timestamps_have_six_fraction_digits_and_z() {
        assertThat(AttributesJson.timestamp(Instant.parse("2025-01-02T15:30:45Z"))).isEqualTo("2025-01-02T15:30:45.000000Z");
        assertThat(AttributesJson.timestamp(Instant.parse("2025-01-02T15:30:45.1234567Z"))).isEqualTo("2025-01-02T15:30:45.123456Z");
    }

    @Test
    void a_missing_required_field_is_named() {
        String json = "{\"file_id\": \"" + FileId.random() + "\", \"original_filename\": \"a.txt\"}";

        assertThatThrownBy(() -> AttributesJson.fromBytes(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage_filename");
    }

    @Test
    void text_that_is_not_json_is_refused() {
        assertThatThrownBy(() -> AttributesJson.fromBytes("{\"file_id\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UncheckedIOException.class);
    }

    private static FileAttributes attributes(Map<String, Object> metadata) {
        FileId fileId = FileId.random();
        return new FileAttributes(fileId, "a.txt", "a_bob_20250102T153045_" + fileId + ".txt", 12, "text/plain",
                AT, AT, "b-1", "bob", Optional.empty(), Optional.of("d"), Optional.of("v1"), "2025/01/02/15/",
                Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"), metadata);
    }

    /** attr.json files as the local storage element wrote them before this mapping moved here. */
    @Test
    void attr_json_written_by_earlier_releases_reads_and_writes_back_identically() throws IOException {
        for (String name : List.of("attr.json", "attr-minimal.json")) {
            byte[] written = resource(name);

            assertThat(new String(AttributesJson.toBytes(AttributesJson.fromBytes(written)), StandardCharsets.UTF_8))
                    .as(name).isEqualTo(new String(written, StandardCharsets.UTF_8));
        }
        FileAttributes read = AttributesJson.fromBytes(resource("attr.json"));
        assertThat(read.originalFilename()).isEqualTo("отчёт \"Q1\".pdf");
        assertThat(read.createdAt()).isEqualTo(Instant.parse("2026-11-26T01:00:00.123456Z"));
        assertThat(read.description()).isEmpty();
        assertThat(read.metadata()).containsEntry("tags", List.of("a", "b")).containsEntry("none", null);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = AttributesJsonTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
