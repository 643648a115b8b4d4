package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ClockSync} does; each implementation's test extends this. */
public abstract class ClockSyncContract {

    protected static final NodeId NODE = NodeId.of("ingester-1");

    protected ClockSync sync;

    /** A new store with no clock in it. */
    protected abstract ClockSync createSync() throws Exception;

    @BeforeEach
    void createTheSync() throws Exception {
        sync = createSync();
    }

    @Test
    void a_node_without_a_persisted_clock_has_none() {
        assertThat(sync.load(NODE)).isEmpty();
    }

    @Test
    void the_last_persisted_clock_loads_back() {
        sync.persist(NODE, VectorClock.parse("ingester-1:1"));
        sync.persist(NODE, VectorClock.parse("ingester-1:2,ingester-2:9"));

        assertThat(sync.load(NODE)).hasValue(VectorClock.parse("ingester-1:2,ingester-2:9"));
    }

    @Test
    void nodes_keep_their_own_clocks() {
        NodeId other = NodeId.of("ingester-2");
        sync.persist(NODE, VectorClock.parse("ingester-1:5"));
        sync.persist(other, VectorClock.parse("ingester-2:3"));

        assertThat(sync.load(NODE)).hasValue(VectorClock.parse("ingester-1:5"));
        assertThat(sync.load(other)).hasValue(VectorClock.parse("ingester-2:3"));
    }

    @Test
    void the_empty_clock_persists_too() {
        sync.persist(NODE, VectorClock.empty());

        assertThat(sync.load(NODE)).hasValue(VectorClock.empty());
    }

    @Test
    void concurrent_persists_leave_one_whole_clock_of_those_written() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<VectorClock> written = new ArrayList<>();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 1; t <= 8; t++) {
                VectorClock clock = VectorClock.parse("ingester-1:" + t + ",ingester-" + (t + 1) + ":" + (t * 10));
                written.add(clock);
                writers.add(threads.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        sync.persist(NODE, clock);
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(sync.load(NODE)).hasValueSatisfying(clock -> assertThat(written).contains(clock));
    }
}
