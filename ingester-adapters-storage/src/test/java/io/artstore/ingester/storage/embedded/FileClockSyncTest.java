package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.ClockSync;
import io.artstore.ingester.core.port.out.ClockSyncContract;
import io.artstore.ingester.core.service.LocalClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileClockSyncTest extends ClockSyncContract {

    @TempDir
    Path folder;

    @Override
    protected ClockSync createSync() {
        return FileClockSync.open(folder);
    }

    @Test
    void a_clock_persisted_before_a_restart_loads_after_it() {
        sync.persist(NODE, VectorClock.parse("ingester-1:41,ingester-2:7"));

        assertThat(FileClockSync.open(folder).load(NODE)).hasValue(VectorClock.parse("ingester-1:41,ingester-2:7"));
        assertThat(folder.resolve("ingester-1.clock")).content().isEqualTo("ingester-1:41,ingester-2:7\n");
    }

    @Test
    void a_restarted_local_clock_never_reuses_a_counter() {
        VectorClock before = new LocalClock(NODE, sync, ClockPruning.DEFAULT).tick();

        VectorClock after = new LocalClock(NODE, FileClockSync.open(folder), ClockPruning.DEFAULT).tick();

        assertThat(after.get(NODE)).isEqualTo(before.get(NODE) + 1);
    }

    @Test
    void a_clock_file_with_counters_beyond_the_range_loads_and_the_clock_goes_on() throws IOException {
        // As an earlier version left it after a client sent ingester-1:9223372036854775806.
        Files.writeString(folder.resolve("ingester-1.clock"), "client-7:3,ingester-1:9223372036854775807\n");

        LocalClock clock = new LocalClock(NODE, FileClockSync.open(folder), ClockPruning.DEFAULT);
        VectorClock next = clock.tick();

        assertThat(next.toText()).isEqualTo("ingester-1:" + VectorClock.MAX_COUNTER);
        assertThat(clock.tick()).isEqualTo(next);
        assertThat(folder.resolve("ingester-1.clock")).content().isEqualTo("ingester-1:9007199254740992\n");
    }

    @Test
    void a_damaged_clock_file_is_reported_with_its_name() throws IOException {
        Files.writeString(folder.resolve("ingester-1.clock"), "ingester-1:three\n");

        assertThatThrownBy(() -> sync.load(NODE))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("clock_unreadable"))
                .hasMessageContaining("ingester-1.clock");
    }

    @Test
    void temporary_files_left_by_a_crash_are_removed_and_the_old_clock_stays() throws IOException {
        sync.persist(NODE, VectorClock.parse("ingester-1:5"));
        Files.writeString(folder.resolve(".tmp").resolve("write-crashed.part"), "ingester-1:6");

        FileClockSync reopened = FileClockSync.open(folder);

        assertThat(reopened.load(NODE)).hasValue(VectorClock.parse("ingester-1:5"));
        try (var left = Files.list(folder.resolve(".tmp"))) {
            assertThat(left).isEmpty();
        }
    }
}
