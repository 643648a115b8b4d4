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
import java.util.concurrent.CountDownLatch;
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

    @Test
    void put_if_absent_records_an_entry_for_an_unknown_file() {
        CatalogEntry found = entry(FileId.random(), Map.of());

        assertThat(catalog.putIfAbsent(found)).isEqualTo(found);

        assertThat(catalog.find(found.fileId())).contains(found);
        assertThat(catalog.size()).isEqualTo(1);
    }

    @Test
    void put_if_absent_keeps_the_entry_there_and_returns_it() {
        FileId fileId = FileId.random();
        CatalogEntry complete = complete(fileId);
        catalog.put(complete);

        assertThat(catalog.putIfAbsent(poorer(fileId, 0))).isEqualTo(complete);

        assertThat(catalog.find(fileId)).contains(complete);
        assertThat(catalog.size()).isEqualTo(1);
    }

    @Test
    void put_replaces_an_entry_recorded_by_put_if_absent() {
        FileId fileId = FileId.random();
        catalog.putIfAbsent(poorer(fileId, 0));
        CatalogEntry complete = complete(fileId);

        catalog.put(complete);

        assertThat(catalog.find(fileId)).contains(complete);
        assertThat(catalog.putIfAbsent(poorer(fileId, 1))).isEqualTo(complete);
        assertThat(catalog.find(fileId)).contains(complete);
    }

    @Test
    void remove_if_removes_only_the_entry_expected() {
        FileId fileId = FileId.random();
        CatalogEntry written = entry(fileId, Map.of());
        catalog.putIfAbsent(written);
        CatalogEntry moved = new CatalogEntry(StorageElementId.of("se-rw"), Mode.RW, attributes(fileId, Map.of()));
        catalog.put(moved);

        assertThat(catalog.removeIf(written)).as("an entry replaced meanwhile").isFalse();
        assertThat(catalog.find(fileId)).contains(moved);
        assertThat(catalog.removeIf(moved)).isTrue();
        assertThat(catalog.find(fileId)).isEmpty();
        assertThat(catalog.removeIf(moved)).as("nothing left to remove").isFalse();
        assertThat(catalog.size()).isZero();
    }

    @Test
    void put_if_absent_after_remove_records_again() {
        FileId fileId = FileId.random();
        catalog.put(complete(fileId));
        catalog.remove(fileId);
        CatalogEntry found = poorer(fileId, 0);

        assertThat(catalog.putIfAbsent(found)).isEqualTo(found);
        assertThat(catalog.find(fileId)).contains(found);
    }

    /**
     * One authoritative put races many write-backs of the same file. Each round forces the put to land after a
     * different number of write-backs (0 to all of them) have returned, the rest racing it; whatever the order,
     * the authoritative entry is what stays, and every write-back returns an entry that was really written.
     */
    @Test
    void an_authoritative_put_survives_racing_write_backs_in_every_position() throws Exception {
        int writeBacks = 6;
        ExecutorService threads = Executors.newFixedThreadPool(writeBacks + 1);
        try {
            for (int before = 0; before <= writeBacks; before++) {
                FileId fileId = FileId.random();
                CatalogEntry complete = complete(fileId);
                List<CatalogEntry> poorer = new ArrayList<>();
                for (int w = 0; w < writeBacks; w++) {
                    poorer.add(poorer(fileId, w));
                }
                CountDownLatch start = new CountDownLatch(1);
                CountDownLatch returned = new CountDownLatch(before);
                List<Future<CatalogEntry>> answers = new ArrayList<>();
                for (CatalogEntry writeBack : poorer) {
                    answers.add(threads.submit(() -> {
                        start.await();
                        CatalogEntry stored = catalog.putIfAbsent(writeBack);
                        returned.countDown();
                        return stored;
                    }));
                }
                Future<?> authoritative = threads.submit(() -> {
                    start.await();
                    assertThat(returned.await(30, TimeUnit.SECONDS)).as("write-backs before the put").isTrue();
                    catalog.put(complete);
                    return null;
                });
                start.countDown();
                authoritative.get(30, TimeUnit.SECONDS);
                List<CatalogEntry> written = new ArrayList<>(poorer);
                written.add(complete);
                for (Future<CatalogEntry> answer : answers) {
                    assertThat(answer.get(30, TimeUnit.SECONDS)).isIn(written);
                }

                assertThat(catalog.find(fileId)).as("after %d write-backs returned before the put", before).contains(complete);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(catalog.size()).isEqualTo(writeBacks + 1);
    }

    /** Concurrent write-backs of one unknown file: exactly one is recorded, and all of them return it. */
    @Test
    void concurrent_write_backs_agree_on_one_entry() throws Exception {
        int writeBacks = 8;
        FileId fileId = FileId.random();
        ExecutorService threads = Executors.newFixedThreadPool(writeBacks);
        List<CatalogEntry> stored = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<CatalogEntry>> answers = new ArrayList<>();
            for (int w = 0; w < writeBacks; w++) {
                CatalogEntry writeBack = poorer(fileId, w);
                answers.add(threads.submit(() -> {
                    start.await();
                    return catalog.putIfAbsent(writeBack);
                }));
            }
            start.countDown();
            for (Future<CatalogEntry> answer : answers) {
                stored.add(answer.get(30, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(stored).containsOnly(stored.get(0));
        assertThat(catalog.find(fileId)).contains(stored.get(0));
        assertThat(catalog.size()).isEqualTo(1);
    }

    /** What an add or a transfer records: the file with its complete metadata. */
    private static CatalogEntry complete(FileId fileId) {
        return entry(fileId, Map.of("project", "north", "ingester", Map.of("compressed", true, "original_size", 42)));
    }

    /** What a lookup writes back from a remote element: no metadata; {@code n} tells write-backs apart. */
    private static CatalogEntry poorer(FileId fileId, int n) {
        return new CatalogEntry(StorageElementId.of("se-" + n), Mode.EDIT, attributes(fileId, Map.of()));
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
