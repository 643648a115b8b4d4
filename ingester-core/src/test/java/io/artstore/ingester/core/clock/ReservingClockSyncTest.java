package io.artstore.ingester.core.clock;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.out.ClockSync;
import io.artstore.ingester.core.service.LocalClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReservingClockSyncTest {

    private static final NodeId NODE = NodeId.of("ingester-1");
    private static final NodeId PEER = NodeId.of("ingester-2");

    private final CountingSync store = new CountingSync();

    @Test
    void the_clock_is_written_once_per_block_of_counters_not_at_every_event() {
        LocalClock clock = new LocalClock(NODE, new ReservingClockSync(store, 100), ClockPruning.DEFAULT);

        for (int event = 0; event < 250; event++) {
            clock.tick();
        }

        // Written at counters 1, 102 and 203, each time reserving the next 100.
        assertThat(store.writes).extracting(written -> written.get(NODE)).containsExactly(101L, 202L, 303L);
    }

    @Test
    void every_counter_handed_out_is_below_the_stored_one_before_it_is_handed_out() {
        LocalClock clock = new LocalClock(NODE, new ReservingClockSync(store, 10), ClockPruning.DEFAULT);

        for (int event = 0; event < 55; event++) {
            VectorClock handedOut = clock.tick();
            assertThat(store.load(NODE).orElseThrow().get(NODE)).isGreaterThanOrEqualTo(handedOut.get(NODE));
        }
    }

    @Test
    void a_restart_never_reuses_a_counter_and_counting_goes_on_upwards() {
        VectorClock last = VectorClock.empty();
        for (int run = 0; run < 4; run++) {
            LocalClock clock = new LocalClock(NODE, new ReservingClockSync(store, 64), ClockPruning.DEFAULT);
            VectorClock first = clock.tick();
            assertThat(first.get(NODE)).as("run %s", run).isGreaterThan(last.get(NODE));
            for (int event = 0; event < 100; event++) {
                last = clock.tick();
            }
        }
    }

    @Test
    void an_entry_of_another_node_taken_in_is_stored_before_the_clock_that_holds_it_is_handed_out() {
        LocalClock clock = new LocalClock(NODE, new ReservingClockSync(store, 1_000),
                ClockPruning.DEFAULT, ClockParticipants.of(NODE, "ingester-.*"));
        clock.tick();

        VectorClock handedOut = clock.receive(VectorClock.parse("ingester-2:7"));

        assertThat(handedOut.get(PEER)).isEqualTo(7);
        assertThat(store.load(NODE).orElseThrow().get(PEER)).isEqualTo(7);
        LocalClock restarted = new LocalClock(NODE, new ReservingClockSync(store, 1_000),
                ClockPruning.DEFAULT, ClockParticipants.of(NODE, "ingester-.*"));
        assertThat(restarted.tick().compare(handedOut)).isEqualTo(ClockOrder.AFTER);
    }

    @Test
    void a_counter_at_the_top_of_its_range_stays_there_and_needs_no_more_writes() {
        store.persist(NODE, VectorClock.parse("ingester-1:" + (VectorClock.MAX_COUNTER - 1)));
        LocalClock clock = new LocalClock(NODE, new ReservingClockSync(store, 100), ClockPruning.DEFAULT);

        clock.tick();
        clock.tick();
        int writes = store.writes.size();
        clock.tick();

        assertThat(clock.current().get(NODE)).isEqualTo(VectorClock.MAX_COUNTER);
        assertThat(store.writes).hasSize(writes);
    }

    /** Keeps every clock written. */
    private static final class CountingSync implements ClockSync {
        final List<VectorClock> writes = new ArrayList<>();

        @Override
        public Optional<VectorClock> load(NodeId node) {
            return writes.isEmpty() ? Optional.empty() : Optional.of(writes.get(writes.size() - 1));
        }

        @Override
        public void persist(NodeId node, VectorClock clock) {
            writes.add(clock);
        }
    }
}
