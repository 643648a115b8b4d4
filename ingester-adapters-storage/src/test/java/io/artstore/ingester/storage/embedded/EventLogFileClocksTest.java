package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.FileEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogFileClocksTest {

    private static final FileId FILE = FileId.parse("0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    private static final Sha256 CHECKSUM = Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

    @TempDir
    Path folder;

    private final Set<FileId> existing = new HashSet<>(Set.of(FILE));

    @Test
    void a_last_change_survives_a_restart_through_its_event_alone() throws IOException {
        try (JsonLinesEventPublisher events = events()) {
            EventLogFileClocks clocks = open(events);
            publishAndRecord(events, clocks, FileEvent.Type.FILE_ADDED, "ingester-1:4");
            publishAndRecord(events, clocks, FileEvent.Type.FILE_TRANSFERRED, "ingester-1:9,ingester-2:3");
            assertThat(clocks.lastChange(FILE)).hasValue(VectorClock.parse("ingester-1:9,ingester-2:3"));
        }
        try (Stream<Path> perFile = Files.list(folder.resolve("clocks"))) {
            assertThat(perFile.filter(path -> path.toString().endsWith(".clock"))).as("no clock file per file").isEmpty();
        }

        try (JsonLinesEventPublisher events = events()) {
            assertThat(open(events).lastChange(FILE)).hasValue(VectorClock.parse("ingester-1:9,ingester-2:3"));
        }
    }

    @Test
    void a_clock_an_earlier_version_kept_per_file_is_merged_in() throws IOException {
        FileSystemFileClocks.open(folder.resolve("clocks")).recordChange(FILE, VectorClock.parse("ingester-1:20"));
        try (JsonLinesEventPublisher events = events()) {
            EventLogFileClocks clocks = open(events);
            publishAndRecord(events, clocks, FileEvent.Type.FILE_TRANSFERRED, "ingester-1:5,ingester-2:2");

            assertThat(clocks.lastChange(FILE)).hasValue(VectorClock.parse("ingester-1:20,ingester-2:2"));
        }
    }

    @Test
    void the_clock_of_a_file_that_no_longer_exists_is_forgotten() throws IOException {
        FileSystemFileClocks.open(folder.resolve("clocks")).recordChange(FILE, VectorClock.parse("ingester-1:20"));
        try (JsonLinesEventPublisher events = events()) {
            EventLogFileClocks clocks = open(events);
            publishAndRecord(events, clocks, FileEvent.Type.FILE_ADDED, "ingester-1:21");
            existing.remove(FILE);
            publishAndRecord(events, clocks, FileEvent.Type.FILE_DELETED, "ingester-1:22");

            assertThat(clocks.lastChange(FILE)).isEmpty();
        }
        assertThat(folder.resolve("clocks").resolve(FILE + ".clock")).doesNotExist();
        try (JsonLinesEventPublisher events = events()) {
            assertThat(open(events).lastChange(FILE)).as("after a restart").isEmpty();
        }
    }

    private JsonLinesEventPublisher events() {
        return JsonLinesEventPublisher.open(folder.resolve("events.jsonl"));
    }

    private EventLogFileClocks open(JsonLinesEventPublisher events) {
        return EventLogFileClocks.open(events, FileSystemFileClocks.open(folder.resolve("clocks"), existing::contains),
                existing::contains);
    }

    /** As the clock-stamping publisher does: the event with its clock first, then the change. */
    private static void publishAndRecord(JsonLinesEventPublisher events, EventLogFileClocks clocks, FileEvent.Type type,
            String clock) {
        VectorClock stamp = VectorClock.parse(clock);
        events.publish(new FileEvent(type, FILE, StorageElementId.of("se-edit"), Mode.EDIT, 10, CHECKSUM,
                Instant.parse("2026-12-07T04:00:00Z")).withClock(stamp));
        clocks.recordChange(FILE, stamp);
    }
}
