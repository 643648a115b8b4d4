package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link FileCatalog} does; each implementation's test extends this. */
public abstract class FileCatalogContract {

    protected FileCatalog catalog;

    /** A new, empty catalogue. */
    protected abstract FileCatalog createCatalog() throws Exception;

    @BeforeEach
    void createTheCatalog() throws Exception {
        catalog = createCatalog();
    }

    @Test
    void an_entry_is_found_as_it_was_put_with_its_metadata() {
        CatalogEntry entry = entry(FileId.random(), Map.of("ingester", Map.of("compressed", true, "original_size", 42),
                "tags", List.of("x", "y"), "note", "«ü» \n \"quoted\""));

        catalog.put(entry);

        assertThat(catalog.find(entry.fileId())).contains(entry);
        assertThat(catalog.size()).isEqualTo(1);
    }

    @Test
    void an_unknown_file_is_not_found() {
        assertThat(catalog.find(FileId.random())).isEmpty();
        assertThat(catalog.size()).isZero();
    }

    @Test
    void put_replaces_the_entry_of_the_same_file() {
        FileId fileId = FileId.random();
        catalog.put(entry(fileId, Map.of()));
        CatalogEntry moved = new CatalogEntry(StorageElementId.of("se-rw"), Mode.RW, attributes(fileId, Map.of()));

        catalog.put(moved);

        assertThat(catalog.find(fileId)).contains(moved);
        assertThat(catalog.size()).isEqualTo(1);
    }

    @Test
    void remove_forgets_the_entry_and_is_idempotent() {
        CatalogEntry kept = entry(FileId.random(), Map.of());
        CatalogEntry removed = entry(FileId.random(), Map.of());
        catalog.put(kept);
        catalog.put(removed);

        catalog.remove(removed.fileId());
        catalog.remove(removed.fileId());
        catalog.remove(FileId.random());

        assertThat(catalog.find(removed.fileId())).isEmpty();
        assertThat(catalog.find(kept.fileId())).contains(kept);
        assertThat(catalog.size()).isEqualTo(1);
    }

    @Test
    void concurrent_puts_of_different_files_are_all_kept() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<CatalogEntry> written = new ArrayList<>();
        try {
            List<Future<List<CatalogEntry>>> writers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                writers.add(threads.submit(() -> {
                    List<CatalogEntry> mine = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        CatalogEntry entry = entry(FileId.random(), Map.of("i", i));
                        catalog.put(entry);
                        mine.add(entry);
                    }
                    return mine;
                }));
            }
            for (Future<List<CatalogEntry>> writer : writers) {
                written.addAll(writer.get(30, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(catalog.size()).isEqualTo(written.size());
        for (CatalogEntry entry : written) {
            assertThat(catalog.find(entry.fileId())).contains(entry);
        }
    }

    protected static CatalogEntry entry(FileId fileId, Map<String, Object> metadata) {
        return new CatalogEntry(StorageElementId.of("se-edit"), Mode.EDIT, attributes(fileId, metadata));
    }

    /** Attributes with microsecond timestamps, the precision ArtStore's attr.json keeps. */
    protected static FileAttributes attributes(FileId fileId, Map<String, Object> metadata) {
        Instant at = Instant.parse("2025-01-02T15:30:45.123456Z");
        return new FileAttributes(fileId, "a.txt", "a_bob_20250102T153045_" + fileId + ".txt", 12, "text/plain",
                at, at, "b-1", "bob", Optional.of("Bob B"), Optional.of("notes"), Optional.empty(), "2025/01/02/15/",
                Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"), metadata);
    }
}
