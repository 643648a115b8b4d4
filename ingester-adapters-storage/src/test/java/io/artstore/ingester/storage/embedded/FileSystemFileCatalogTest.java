package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.formats.CatalogEntryJson;
import io.artstore.ingester.storage.fs.Fsync;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemFileCatalogTest {

    @TempDir
    Path folder;

    /** Opens the catalogue as a restart would: the previous one is closed first, as its process would have ended. */
    private FileSystemFileCatalog reopen(FileSystemFileCatalog previous) {
        previous.close();
        return FileSystemFileCatalog.open(folder);
    }

    @Test
    void an_entry_is_found_after_put_and_after_reopening() {
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);
        CatalogEntry entry = entry(FileId.random(), Map.of("ingester", Map.of("compressed", true, "original_size", 42),
                "tags", List.of("x", "y")));

        catalog.put(entry);

        assertThat(catalog.find(entry.fileId())).contains(entry);
        FileSystemFileCatalog reopened = reopen(catalog);
        assertThat(reopened.find(entry.fileId())).contains(entry);
        assertThat(reopened.size()).isEqualTo(1);
        reopened.close();
    }

    @Test
    void put_replaces_the_entry_of_the_same_file() {
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);
        FileId fileId = FileId.random();
        catalog.put(entry(fileId, Map.of()));
        CatalogEntry moved = new CatalogEntry(StorageElementId.of("se-rw"), Mode.RW, attributes(fileId, Map.of()));

        catalog.put(moved);

        assertThat(catalog.find(fileId)).contains(moved);
        assertThat(catalog.size()).isEqualTo(1);
        FileSystemFileCatalog reopened = reopen(catalog);
        assertThat(reopened.find(fileId)).contains(moved);
        reopened.close();
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
        FileSystemFileCatalog reopened = reopen(catalog);
        assertThat(reopened.find(removed.fileId())).isEmpty();
        assertThat(reopened.find(kept.fileId())).contains(kept);
        assertThat(reopened.size()).isEqualTo(1);
        reopened.close();
    }

    @Test
    void one_log_file_holds_the_entries_and_nothing_else_is_left_in_the_folder() throws IOException {
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);

        catalog.put(entry(FileId.random(), Map.of()));
        catalog.put(entry(FileId.random(), Map.of()));

        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly(FileSystemFileCatalog.LOG_FILE);
        }
        catalog.close();
    }

    /**
     * One process owns the folder: a second catalogue on it, as another process would open, is refused until the
     * first is closed, so that a check-and-write decided on one process's memory is atomic against every writer.
     */
    @Test
    void a_second_catalogue_on_the_folder_is_refused_while_the_first_holds_it() {
        FileSystemFileCatalog first = FileSystemFileCatalog.open(folder);
        FileId fileId = FileId.random();
        CatalogEntry complete = entry(fileId, Map.of("project", "north"));
        first.put(complete);

        assertThatThrownBy(() -> FileSystemFileCatalog.open(folder))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("catalog_in_use"));

        CatalogEntry poorer = new CatalogEntry(StorageElementId.of("se-other"), Mode.EDIT, attributes(fileId, Map.of()));
        assertThat(first.putIfAbsent(poorer)).isEqualTo(complete);
        FileSystemFileCatalog second = reopen(first);
        assertThat(second.find(fileId)).contains(complete);
        second.close();
    }

    @Test
    void an_entry_recorded_if_absent_is_found_after_reopening() {
        CatalogEntry found = entry(FileId.random(), Map.of());
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);

        assertThat(catalog.putIfAbsent(found)).isEqualTo(found);

        FileSystemFileCatalog reopened = reopen(catalog);
        assertThat(reopened.find(found.fileId())).contains(found);
        reopened.close();
    }

    /**
     * A power cut during an append leaves the last record torn at any byte. It was never acknowledged (its force had
     * not ended): opening cuts it off and keeps every record before it, and the catalogue takes writes again.
     */
    @Test
    void a_torn_last_record_is_cut_off_wherever_it_is_cut_and_the_entries_before_it_are_kept() throws IOException {
        CatalogEntry kept = entry(FileId.random(), Map.of("n", 1));
        CatalogEntry removedBefore = entry(FileId.random(), Map.of());
        CatalogEntry torn = entry(FileId.random(), Map.of("n", 2));
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);
        catalog.put(kept);
        catalog.put(removedBefore);
        catalog.remove(removedBefore.fileId());
        Path log = folder.resolve(FileSystemFileCatalog.LOG_FILE);
        long before = Files.size(log);
        catalog.put(torn);
        catalog.close();
        byte[] whole = Files.readAllBytes(log);

        // Every cut in the frame's header, cuts through the body 13 bytes apart, and the cut of its last byte alone.
        List<Long> cuts = new ArrayList<>();
        for (long length = before; length < whole.length; length++) {
            if (length <= before + FramedLogFile.FRAME_HEADER || (length - before) % 13 == 0 || length == whole.length - 1) {
                cuts.add(length);
            }
        }
        for (long length : cuts) {
            Files.write(log, java.util.Arrays.copyOf(whole, (int) length));

            FileSystemFileCatalog reopened = FileSystemFileCatalog.open(folder);

            assertThat(reopened.find(kept.fileId())).as("cut at %d", length).contains(kept);
            assertThat(reopened.find(removedBefore.fileId())).as("cut at %d", length).isEmpty();
            assertThat(reopened.find(torn.fileId())).as("cut at %d", length).isEmpty();
            assertThat(reopened.size()).isEqualTo(1);
            assertThat(Files.size(log)).as("the torn tail is cut off").isEqualTo(before);
            if (length == before || length == before + FramedLogFile.FRAME_HEADER || length == whole.length - 1) {
                // Appends go on after the cut (at a few cuts only, to keep the test short).
                CatalogEntry after = entry(FileId.random(), Map.of());
                reopened.put(after);
                reopened = reopen(reopened);
                assertThat(reopened.find(after.fileId())).contains(after);
                assertThat(reopened.find(kept.fileId())).contains(kept);
            }
            reopened.close();
        }
    }

    @Test
    void a_damaged_record_followed_by_good_ones_stops_open_with_the_log_named() throws IOException {
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);
        Path log = folder.resolve(FileSystemFileCatalog.LOG_FILE);
        long first = Files.size(log);
        catalog.put(entry(FileId.random(), Map.of()));
        catalog.put(entry(FileId.random(), Map.of()));
        catalog.close();
        byte[] bytes = Files.readAllBytes(log);
        bytes[(int) first + FramedLogFile.FRAME_HEADER + 3] ^= 0x55;
        Files.write(log, bytes);

        assertThatThrownBy(() -> FileSystemFileCatalog.open(folder))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(FileSystemFileCatalog.LOG_FILE);
        // The failed open let the folder go again.
        assertThatThrownBy(() -> FileSystemFileCatalog.open(folder)).isInstanceOf(UncheckedIOException.class);
    }

    /** Writers that append while a force runs share the next one, as the saga log's do. */
    @Test
    void concurrent_writers_share_their_forces() throws Exception {
        int writers = 8;
        CountDownLatch allWritten = new CountDownLatch(writers);
        AtomicInteger forces = new AtomicInteger();
        FramedLogFile.Faults countWrites = (point, file) -> {
            if (point == FramedLogFile.CrashPoint.APPENDED_NOT_FORCED) {
                allWritten.countDown();
            }
        };
        Fsync holdFirst = (channel, file, metadata) -> {
            if (forces.incrementAndGet() == 1) {
                try {
                    assertThat(allWritten.await(30, TimeUnit.SECONDS)).as("every writer wrote").isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            channel.force(metadata);
        };
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder, countWrites, holdFirst,
                FileSystemFileCatalog.COMPACT_AFTER_DEAD);
        int forcesAtOpen = forces.get();
        forces.set(0);
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        List<CatalogEntry> written = new ArrayList<>();
        try {
            List<Future<CatalogEntry>> puts = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                CatalogEntry entry = entry(FileId.random(), Map.of("i", i));
                written.add(entry);
                puts.add(threads.submit(() -> {
                    catalog.put(entry);
                    return entry;
                }));
            }
            for (Future<CatalogEntry> put : puts) {
                put.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(forcesAtOpen).isZero();
        assertThat(forces.get()).as("one force held while the others wrote, then one for all of them").isEqualTo(2);
        FileSystemFileCatalog reopened = reopen(catalog);
        for (CatalogEntry entry : written) {
            assertThat(reopened.find(entry.fileId())).contains(entry);
        }
        reopened.close();
    }

    /** A catalogue an earlier version wrote, one file per entry, is moved into the log at open. */
    @Test
    void entry_files_of_an_earlier_version_are_moved_into_the_log() throws IOException {
        CatalogEntry first = entry(FileId.random(), Map.of("project", "north"));
        CatalogEntry second = entry(FileId.random(), Map.of());
        Files.createDirectories(folder.resolve(".tmp"));
        Files.writeString(folder.resolve(".tmp").resolve("write-crashed.part"), "{\"element_id\":");
        for (CatalogEntry entry : List.of(first, second)) {
            Files.write(folder.resolve(entry.fileId() + ".json"), new ObjectMapper().writeValueAsBytes(CatalogEntryJson.toJson(entry)));
        }

        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);

        assertThat(catalog.find(first.fileId())).contains(first);
        assertThat(catalog.find(second.fileId())).contains(second);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly(FileSystemFileCatalog.LOG_FILE);
        }
        catalog.remove(second.fileId());
        FileSystemFileCatalog reopened = reopen(catalog);
        assertThat(reopened.find(first.fileId())).contains(first);
        assertThat(reopened.find(second.fileId())).isEmpty();
        reopened.close();
    }

    /** Entry files a crash left after they were moved into the log are in it already: deleted, not read again. */
    @Test
    void entry_files_left_beside_a_log_with_records_are_deleted_without_undoing_later_records() throws IOException {
        CatalogEntry removedLater = entry(FileId.random(), Map.of());
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder);
        catalog.put(removedLater);
        catalog.remove(removedLater.fileId());
        catalog.close();
        Files.write(folder.resolve(removedLater.fileId() + ".json"),
                new ObjectMapper().writeValueAsBytes(CatalogEntryJson.toJson(removedLater)));

        FileSystemFileCatalog reopened = FileSystemFileCatalog.open(folder);

        assertThat(reopened.find(removedLater.fileId())).isEmpty();
        assertThat(folder.resolve(removedLater.fileId() + ".json")).doesNotExist();
        reopened.close();
    }

    @Test
    void a_corrupt_entry_file_of_an_earlier_version_stops_open_with_its_name() throws IOException {
        Files.writeString(folder.resolve(FileId.random() + ".json"), "{not json");

        assertThatThrownBy(() -> FileSystemFileCatalog.open(folder))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(".json");
    }

    /** Replaced and removed records are dropped by a rewrite once they outnumber the live entries. */
    @Test
    void the_log_is_rewritten_when_dead_records_outnumber_the_live_ones() throws IOException {
        int threshold = 100;
        FileSystemFileCatalog catalog = FileSystemFileCatalog.open(folder, FramedLogFile.Faults.NONE, Fsync.REAL, threshold);
        CatalogEntry kept = entry(FileId.random(), Map.of());
        catalog.put(kept);
        Path log = folder.resolve(FileSystemFileCatalog.LOG_FILE);
        FileId churned = FileId.random();
        long largest = 0;
        for (int i = 0; i < threshold + 10; i++) {
            catalog.put(entry(churned, Map.of("i", i)));
            largest = Math.max(largest, Files.size(log));
        }

        assertThat(Files.size(log)).as("rewritten: far smaller than the largest it grew to").isLessThan(largest / 4);
        FileSystemFileCatalog reopened = reopen(catalog);
        assertThat(reopened.find(kept.fileId())).contains(kept);
        assertThat(reopened.find(churned).orElseThrow().attributes().metadata()).containsEntry("i", threshold + 9);
        reopened.close();
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
