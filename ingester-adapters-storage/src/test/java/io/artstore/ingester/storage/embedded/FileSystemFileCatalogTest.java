package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CatalogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemFileCatalogTest {

    @TempDir
    Path folder;

    @Test
    void an_entry_is_found_after_put_and_after_reopening() {
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);
        CatalogEntry entry = entry(FileId.random(), Map.of("ingester", Map.of("compressed", true, "original_size", 42),
                "tags", List.of("x", "y")));

        catalog.put(entry);

        assertThat(catalog.find(entry.fileId())).contains(entry);
        FileSystemFileCatalog reopened = FileSystemFileCatalog.open(folder);
        assertThat(reopened.find(entry.fileId())).contains(entry);
        assertThat(reopened.size()).isEqualTo(1);
    }

    @Test
    void put_replaces_the_entry_of_the_same_file() {
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);
        FileId fileId = FileId.random();
        catalog.put(entry(fileId, Map.of()));
        CatalogEntry moved = new CatalogEntry(StorageElementId.of("se-rw"), Mode.RW, attributes(fileId, Map.of()));

        catalog.put(moved);

        assertThat(catalog.find(fileId)).contains(moved);
        assertThat(FileSystemFileCatalog.open(folder).find(fileId)).contains(moved);
        assertThat(catalog.size()).isEqualTo(1);
    }

    @Test
    void remove_is_durable_and_idempotent() {
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);
        CatalogEntry kept = entry(FileId.random(), Map.of());
        CatalogEntry removed = entry(FileId.random(), Map.of());
        catalog.put(kept);
        catalog.put(removed);

        catalog.remove(removed.fileId());
        catalog.remove(removed.fileId());
        catalog.remove(FileId.random());

        assertThat(catalog.find(removed.fileId())).isEmpty();
        FileSystemFileCatalog reopened = FileSystemFileCatalog.open(folder);
        assertThat(reopened.find(removed.fileId())).isEmpty();
        assertThat(reopened.find(kept.fileId())).contains(kept);
        assertThat(reopened.size()).isEqualTo(1);
    }

    @Test
    void one_json_file_per_entry_and_no_temporary_files_remain() throws IOException {
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);
        CatalogEntry entry = entry(FileId.random(), Map.of());

        catalog.put(entry);

        Path file = folder.resolve(entry.fileId() + ".json");
        assertThat(Files.readString(file)).startsWith("{\"element_id\":\"se-edit\",\"mode\":\"edit\",\"attributes\":{\"file_id\":");
        try (Stream<Path> temp = Files.list(folder.resolve(".tmp"))) {
            assertThat(temp).isEmpty();
        }
    }

    /**
     * Two catalogues on one folder, each with its own locks and memory, as two processes would be: a write-back
     * decides on what is on disk, not on what it loaded, and never replaces the other's entry.
     */
    @Test
    void put_if_absent_keeps_an_entry_another_process_wrote_and_leaves_no_temporary_file() throws IOException {
        FileSystemFileCatalog saga = FileSystemFileCatalog.open(folder);
        FileSystemFileCatalog lookup = FileSystemFileCatalog.open(folder);
        FileId fileId = FileId.random();
        CatalogEntry complete = entry(fileId, Map.of("project", "north"));
        saga.put(complete);
        CatalogEntry poorer = new CatalogEntry(StorageElementId.of("se-other"), Mode.EDIT, attributes(fileId, Map.of()));

        assertThat(lookup.putIfAbsent(poorer)).isEqualTo(complete);

        assertThat(lookup.find(fileId)).contains(complete);
        assertThat(FileSystemFileCatalog.open(folder).find(fileId)).contains(complete);
        try (Stream<Path> temp = Files.list(folder.resolve(".tmp"))) {
            assertThat(temp).isEmpty();
        }
    }

    @Test
    void an_entry_recorded_if_absent_is_found_after_reopening() {
        CatalogEntry found = entry(FileId.random(), Map.of());

        assertThat(FileSystemFileCatalog.open(folder).putIfAbsent(found)).isEqualTo(found);

        assertThat(FileSystemFileCatalog.open(folder).find(found.fileId())).contains(found);
    }

    @Test
    void open_clears_half_written_entries() throws IOException {
        FileSystemFileCatalog.open(folder);
        Files.writeString(folder.resolve(".tmp").resolve("write-crashed.part"), "{\"element_id\":");

        FileSystemFileCatalog reopened = FileSystemFileCatalog.open(folder);

        assertThat(reopened.size()).isZero();
        try (Stream<Path> temp = Files.list(folder.resolve(".tmp"))) {
            assertThat(temp).isEmpty();
        }
    }

    @Test
    void a_corrupt_entry_stops_open_with_its_name() throws IOException {
        Files.writeString(folder.resolve(FileId.random() + ".json"), "{not json");

        assertThatThrownBy(() -> FileSystemFileCatalog.open(folder))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(".json");
    }

    private static CatalogEntry entry(FileId fileId, Map<String, Object> metadata) {
        return new CatalogEntry(StorageElementId.of("se-edit"), Mode.EDIT, attributes(fileId, metadata));
    }

    private static FileAttributes attributes(FileId fileId, Map<String, Object> metadata) {
        Instant at = Instant.parse("2025-01-02T15:30:45.123456Z");
        return new FileAttributes(fileId, "a.txt", "a_bob_20250102T153045_" + fileId + ".txt", 12, "text/plain",
                at, at, "b-1", "bob", Optional.of("Bob B"), Optional.of("notes"), Optional.empty(), "2025/01/02/15/",
                Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"), metadata);
    }
}
