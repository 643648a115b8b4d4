package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import java.nio.file.Path;
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
}
