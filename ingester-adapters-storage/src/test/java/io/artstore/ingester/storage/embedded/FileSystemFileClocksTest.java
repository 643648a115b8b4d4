package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemFileClocksTest {

    @TempDir
    Path folder;

    @Test
    void an_unknown_file_has_no_last_change() {
        assertThat(FileSystemFileClocks.open(folder).lastChange(FileId.random())).isEmpty();
    }

    @Test
    void the_last_change_survives_reopening() {
        FileId file = FileId.random();
        FileSystemFileClocks.open(folder).recordChange(file, VectorClock.parse("node-a:2"));

        assertThat(FileSystemFileClocks.open(folder).lastChange(file)).contains(VectorClock.parse("node-a:2"));
    }

    @Test
    void a_change_recorded_out_of_order_is_merged_not_lost() {
        FileId file = FileId.random();
        FileSystemFileClocks clocks = FileSystemFileClocks.open(folder);
        clocks.recordChange(file, VectorClock.parse("node-a:5"));
        clocks.recordChange(file, VectorClock.parse("node-a:3,node-b:1"));

        assertThat(clocks.lastChange(file)).contains(VectorClock.parse("node-a:5,node-b:1"));
        assertThat(FileSystemFileClocks.open(folder).lastChange(file)).contains(VectorClock.parse("node-a:5,node-b:1"));
    }

    @Test
    void the_clock_of_a_deleted_file_is_removed_when_the_delete_is_recorded_and_at_open() throws IOException {
        Set<FileId> live = new HashSet<>();
        FileId kept = FileId.random();
        FileId deleted = FileId.random();
        FileId leftBehind = FileId.random();
        live.addAll(List.of(kept, deleted, leftBehind));
        FileSystemFileClocks clocks = FileSystemFileClocks.open(folder, live::contains);
        clocks.recordChange(kept, VectorClock.parse("node-a:1"));
        clocks.recordChange(deleted, VectorClock.parse("node-a:2"));
        clocks.recordChange(leftBehind, VectorClock.parse("node-a:3"));

        live.remove(deleted);
        clocks.recordChange(deleted, VectorClock.parse("node-a:4"));
        assertThat(clocks.lastChange(deleted)).isEmpty();
        live.remove(leftBehind);
        FileSystemFileClocks reopened = FileSystemFileClocks.open(folder, live::contains);

        assertThat(reopened.lastChange(kept)).contains(VectorClock.parse("node-a:1"));
        try (var files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder(kept + ".clock", ".tmp");
        }
    }

    @Test
    void at_most_a_bounded_number_of_clocks_is_held_in_memory() {
        FileSystemFileClocks clocks = FileSystemFileClocks.open(folder);
        FileId first = FileId.random();
        clocks.recordChange(first, VectorClock.parse("node-a:1"));
        for (int i = 0; i < FileSystemFileClocks.CACHED + 10; i++) {
            clocks.lastChange(FileId.random());
        }

        assertThat(clocks.cached()).isEqualTo(FileSystemFileClocks.CACHED);
        assertThat(clocks.lastChange(first)).as("read again from its file").contains(VectorClock.parse("node-a:1"));
    }
}
