package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.FileEventAttributes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesEventPublisherTest {

    private static final Sha256 CHECKSUM = Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

    @TempDir
    Path folder;

    @Test
    void each_event_is_one_json_line_with_the_documented_fields() throws IOException {
        Path file = folder.resolve("events/file-events.jsonl");
        FileId fileId = FileId.parse("0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b");

        try (JsonLinesEventPublisher events = JsonLinesEventPublisher.open(file)) {
            events.publish(new FileEvent(FileEvent.Type.FILE_ADDED, fileId, StorageElementId.of("se-edit"), Mode.EDIT,
                    1234, CHECKSUM, Instant.parse("2025-01-02T15:30:45.123456789Z")));
            assertThat(Files.readAllLines(file)).containsExactly("{\"type\":\"file_added\","
                    + "\"file_id\":\"0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b\",\"storage_element_id\":\"se-edit\","
                    + "\"mode\":\"edit\",\"size\":1234,\"checksum\":\"" + CHECKSUM.hex() + "\","
                    + "\"at\":\"2025-01-02T15:30:45.123456Z\"}");
        }
    }

    @Test
    void an_event_with_the_files_attributes_carries_them_on_its_line() throws IOException {
        Path file = folder.resolve("events.jsonl");
        FileEventAttributes attributes = new FileEventAttributes("scan.tif", "image/tiff", Optional.of("east wall"),
                Optional.empty(), Map.of("room", "b-7"), "u-1", "ivan", Instant.parse("2025-01-02T15:30:45.123456Z"),
                Optional.empty(), Optional.empty(), RetentionPolicy.PERMANENT, Optional.empty());

        try (JsonLinesEventPublisher events = JsonLinesEventPublisher.open(file)) {
            events.publish(event(FileEvent.Type.FILE_ADDED).withAttributes(attributes));
        }

        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(file).get(0));
        assertThat(line.path("attributes").path("original_filename").asText()).isEqualTo("scan.tif");
        assertThat(line.path("attributes").path("description").asText()).isEqualTo("east wall");
        assertThat(line.path("attributes").path("metadata").path("room").asText()).isEqualTo("b-7");
        assertThat(line.path("attributes").path("created_by").path("username").asText()).isEqualTo("ivan");
        assertThat(line.path("attributes").path("compressed").asBoolean(true)).isFalse();
        assertThat(line.path("attributes").path("retention_policy").asText()).isEqualTo("permanent");
        try (JsonLinesEventPublisher reopened = JsonLinesEventPublisher.open(file)) {
            assertThat(reopened.published(FileId.parse(line.path("file_id").asText()), FileEvent.Type.FILE_ADDED)).isTrue();
        }
    }

    @Test
    void reopening_appends() throws IOException {
        Path file = folder.resolve("events.jsonl");
        try (JsonLinesEventPublisher events = JsonLinesEventPublisher.open(file)) {
            events.publish(event(FileEvent.Type.FILE_ADDED));
        }
        try (JsonLinesEventPublisher events = JsonLinesEventPublisher.open(file)) {
            events.publish(event(FileEvent.Type.FILE_DELETED));
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{\"type\":\"file_added\"");
        assertThat(lines.get(1)).startsWith("{\"type\":\"file_deleted\"");
    }

    @Test
    void a_torn_last_line_is_cut_off_at_open_so_the_next_event_is_a_line_of_its_own() throws IOException {
        Path file = folder.resolve("events.jsonl");
        try (JsonLinesEventPublisher events = JsonLinesEventPublisher.open(file)) {
            events.publish(event(FileEvent.Type.FILE_ADDED));
        }
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, "{\"type\":\"file_del".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        try (JsonLinesEventPublisher events = JsonLinesEventPublisher.open(file)) {
            assertThat(Files.readAllBytes(file)).isEqualTo(whole);
            events.publish(event(FileEvent.Type.FILE_DELETED));
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("{\"type\":\"file_deleted\"");
    }

    @Test
    void a_damaged_line_before_the_last_stops_opening_with_the_file_and_offset_unless_salvaging() throws IOException {
        Path file = folder.resolve("events.jsonl");
        FileEvent deleted = event(FileEvent.Type.FILE_DELETED);
        try (JsonLinesEventPublisher events = JsonLinesEventPublisher.open(file)) {
            events.publish(event(FileEvent.Type.FILE_ADDED));
            events.publish(deleted);
        }
        byte[] damaged = Files.readAllBytes(file);
        damaged[0] = 'x';
        Files.write(file, damaged);

        assertThatThrownBy(() -> JsonLinesEventPublisher.open(file))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("event_log_corrupt"))
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("at offset 0");
        assertThat(Files.readAllBytes(file)).isEqualTo(damaged);

        try (JsonLinesEventPublisher events = JsonLinesEventPublisher.open(file, LogOptions.DEFAULT.withSalvage(true))) {
            assertThat(events.published(deleted.fileId(), FileEvent.Type.FILE_DELETED)).isTrue();
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).as("salvage drops the damaged line").singleElement().asString().startsWith("{\"type\":\"file_deleted\"");
        try (var files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString())).anySatisfy(name -> assertThat(name).startsWith("events.jsonl.damaged-"));
        }
        try (JsonLinesEventPublisher reopened = JsonLinesEventPublisher.open(file)) {
            assertThat(reopened.published(deleted.fileId(), FileEvent.Type.FILE_DELETED)).isTrue();
        }
    }

    @Test
    void concurrent_events_never_interleave() throws Exception {
        Path file = folder.resolve("events.jsonl");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (JsonLinesEventPublisher events = JsonLinesEventPublisher.open(file)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        events.publish(event(FileEvent.Type.FILE_ADD_RETRACTED));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(Files.readAllLines(file)).hasSize(100)
                .allMatch(line -> line.startsWith("{\"type\":\"file_add_retracted\"") && line.endsWith("Z\"}"));
    }

    private static FileEvent event(FileEvent.Type type) {
        return new FileEvent(type, FileId.random(), StorageElementId.of("se-rw"), Mode.RW, 1, CHECKSUM, Instant.now());
    }
}
