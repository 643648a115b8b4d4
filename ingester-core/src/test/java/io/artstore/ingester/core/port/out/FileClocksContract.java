package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** What every {@link FileClocks} does; each implementation's test extends this. */
public abstract class FileClocksContract {

    /** New clocks with none recorded, told by {@code exists} which files exist. */
    protected abstract FileClocks createClocks(Predicate<FileId> exists) throws Exception;

    @Test
    void an_unknown_file_has_no_last_change() throws Exception {
        assertThat(createClocks(file -> true).lastChange(FileId.random())).isEmpty();
    }

    @Test
    void the_last_change_is_recorded() throws Exception {
        FileClocks clocks = createClocks(file -> true);
        FileId file = FileId.random();
        clocks.recordChange(file, VectorClock.parse("node-a:1"));
        clocks.recordChange(file, VectorClock.parse("node-a:2"));

        assertThat(clocks.lastChange(file)).contains(VectorClock.parse("node-a:2"));
    }

    @Test
    void a_change_recorded_out_of_order_is_merged_not_lost() throws Exception {
        FileClocks clocks = createClocks(file -> true);
        FileId file = FileId.random();
        clocks.recordChange(file, VectorClock.parse("node-a:5"));
        clocks.recordChange(file, VectorClock.parse("node-a:3,node-b:1"));

        assertThat(clocks.lastChange(file)).contains(VectorClock.parse("node-a:5,node-b:1"));
    }

    @Test
    void the_clock_of_a_deleted_file_is_removed_when_its_delete_is_recorded() throws Exception {
        Set<FileId> live = ConcurrentHashMap.newKeySet();
        FileId kept = FileId.random();
        FileId deleted = FileId.random();
        live.addAll(List.of(kept, deleted));
        FileClocks clocks = createClocks(live::contains);
        clocks.recordChange(kept, VectorClock.parse("node-a:1"));
        clocks.recordChange(deleted, VectorClock.parse("node-a:2"));

        live.remove(deleted);
        clocks.recordChange(deleted, VectorClock.parse("node-a:3"));

        assertThat(clocks.lastChange(deleted)).isEmpty();
        assertThat(clocks.lastChange(kept)).contains(VectorClock.parse("node-a:1"));
    }

    @Test
    void concurrent_changes_of_one_file_are_all_merged() throws Exception {
        FileClocks clocks = createClocks(file -> true);
        FileId file = FileId.random();
        int writers = 6;
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String node = "node-" + w;
                done.add(threads.submit(() -> {
                    for (int i = 1; i <= 10; i++) {
                        clocks.recordChange(file, VectorClock.parse(node + ":" + i));
                    }
                }));
            }
            for (Future<?> writer : done) {
                writer.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(clocks.lastChange(file)).contains(VectorClock.parse("node-0:10,node-1:10,node-2:10,node-3:10,node-4:10,node-5:10"));
    }
}
