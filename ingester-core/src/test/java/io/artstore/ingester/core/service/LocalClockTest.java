package io.artstore.ingester.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.clock.ClockOrder;
import io.artstore.ingester.core.clock.ClockParticipants;
import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.InMemoryClockSync;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.port.out.ClockSync;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalClockTest {

    private static final NodeId ME = NodeId.of("ingester-1");
    private static final NodeId PEER = NodeId.of("ingester-2");

    private final InMemoryClockSync sync = new InMemoryClockSync();

    @Test
    void each_local_event_ticks_and_is_persisted_before_it_is_handed_out() {
        LocalClock clock = new LocalClock(ME, sync, ClockPruning.DEFAULT);

        VectorClock first = clock.tick();
        VectorClock second = clock.tick();

        assertThat(first.toText()).isEqualTo("ingester-1:1");
        assertThat(second.compare(first)).isEqualTo(ClockOrder.AFTER);
        assertThat(sync.load(ME)).hasValue(second);
        assertThat(clock.current()).isEqualTo(second);
    }

    @Test
    void a_received_clock_is_merged_and_its_receipt_counted() {
        LocalClock clock = new LocalClock(ME, sync, ClockPruning.DEFAULT);
        clock.tick();
        VectorClock received = VectorClock.parse("ingester-2:7");

        VectorClock after = clock.receive(received);

        assertThat(after.toText()).isEqualTo("ingester-1:2,ingester-2:7");
        assertThat(received.compare(after)).isEqualTo(ClockOrder.BEFORE);
    }

    @Test
    void a_restarted_instance_goes_on_from_its_persisted_clock() {
        new LocalClock(ME, sync, ClockPruning.DEFAULT).tick();
        VectorClock before = new LocalClock(ME, sync, ClockPruning.DEFAULT).tick();

        VectorClock after = new LocalClock(ME, sync, ClockPruning.DEFAULT).tick();

        assertThat(after.get(ME)).isEqualTo(3);
        assertThat(after.compare(before)).isEqualTo(ClockOrder.AFTER);
    }

    @Test
    void entries_of_retired_nodes_are_dropped() {
        LocalClock clock = new LocalClock(ME, sync, new ClockPruning(Set.of(PEER), 8));

        VectorClock after = clock.receive(VectorClock.parse("ingester-2:7,ingester-3:2"));

        assertThat(after.toText()).isEqualTo("ingester-1:1,ingester-3:2");
    }

    @Test
    void entries_of_nodes_that_are_not_participants_are_ignored() {
        LocalClock clock = new LocalClock(ME, sync, ClockPruning.DEFAULT, ClockParticipants.of(ME, "ingester-[0-9]+"));

        VectorClock after = clock.receive(VectorClock.parse("client-7:3,ingester-2:7,ingester-x:4"));

        assertThat(after.toText()).isEqualTo("ingester-1:1,ingester-2:7");
        assertThat(sync.load(ME)).hasValue(after);
    }

    @Test
    void its_own_entry_is_never_taken_from_a_received_clock() {
        LocalClock clock = new LocalClock(ME, sync, ClockPruning.DEFAULT);
        clock.tick();

        VectorClock after = clock.receive(VectorClock.parse("ingester-1:9007199254740992"));

        assertThat(after.toText()).isEqualTo("ingester-1:2");
    }

    @Test
    void a_counter_at_the_top_of_its_range_never_makes_an_event_fail() {
        LocalClock clock = new LocalClock(ME, sync, ClockPruning.DEFAULT);

        VectorClock first = clock.receive(VectorClock.parse("ingester-2:9007199254740992"));
        VectorClock second = clock.receive(VectorClock.parse("ingester-2:9007199254740992"));

        assertThat(first.get(PEER)).isEqualTo(VectorClock.MAX_COUNTER);
        assertThat(second.get(PEER)).isEqualTo(VectorClock.MAX_COUNTER);
        assertThat(second.get(ME)).isEqualTo(2);
    }

    @Test
    void an_entry_that_stops_growing_is_dropped_after_the_idle_limit() {
        LocalClock clock = new LocalClock(ME, sync, ClockPruning.DEFAULT.withIdleEvents(3));
        clock.receive(VectorClock.parse("ingester-2:7,ingester-3:1"));
        clock.tick();

        VectorClock third = clock.receive(VectorClock.parse("ingester-3:2"));
        VectorClock fourth = clock.tick();

        assertThat(third.toText()).as("both seen within three events").isEqualTo("ingester-1:3,ingester-2:7,ingester-3:2");
        assertThat(fourth.toText()).as("ingester-2 has not grown for three events").isEqualTo("ingester-1:4,ingester-3:2");
        assertThat(clock.receive(VectorClock.parse("ingester-2:7")).get(PEER)).as("a later receipt brings it back")
                .isEqualTo(7);
    }

    @Test
    void no_received_clock_makes_a_later_event_fail_or_go_back() {
        Random random = new Random(20261207L);
        LocalClock clock = new LocalClock(ME, sync, ClockPruning.DEFAULT.withIdleEvents(50));
        long own = 0;
        for (int i = 0; i < 5_000; i++) {
            Map<NodeId, Long> counters = new HashMap<>();
            for (int j = random.nextInt(8); j > 0; j--) {
                String id = List.of("ingester-", "client-", "admin-module-", "").get(random.nextInt(4)) + random.nextInt(200);
                long counter = random.nextBoolean() ? VectorClock.MAX_COUNTER - random.nextInt(3) : 1 + random.nextInt(1_000);
                counters.put(random.nextInt(10) == 0 ? ME : NodeId.of(id), counter);
            }
            VectorClock after = random.nextBoolean() ? clock.receive(VectorClock.of(counters)) : clock.tick();

            assertThat(after.get(ME)).isEqualTo(++own);
            assertThat(after.size()).isLessThanOrEqualTo(VectorClock.MAX_ENTRIES);
            assertThat(after.entries().keySet()).allMatch(node -> node.equals(ME) || node.value().startsWith("ingester-")
                    || node.value().startsWith("admin-module-"));
        }
    }

    @Test
    void a_clock_an_earlier_version_stored_is_cleaned_when_loaded() {
        sync.persist(ME, VectorClock.parseSaturating("client-7:3,ingester-1:9223372036854775807,ingester-2:5"));

        LocalClock clock = new LocalClock(ME, sync, ClockPruning.DEFAULT);
        VectorClock next = clock.tick();

        assertThat(clock.node()).isEqualTo(ME);
        assertThat(next.toText()).isEqualTo("ingester-1:9007199254740992,ingester-2:5");
        assertThat(clock.tick()).isEqualTo(next);
    }

    @Test
    void a_clock_that_cannot_be_persisted_is_not_handed_out() {
        ClockSync failing = new ClockSync() {
            @Override
            public Optional<VectorClock> load(NodeId node) {
                return Optional.of(VectorClock.parse("ingester-1:4"));
            }

            @Override
            public void persist(NodeId node, VectorClock clock) {
                throw new IllegalStateException("disk full");
            }
        };
        LocalClock clock = new LocalClock(ME, failing, ClockPruning.DEFAULT);

        assertThatThrownBy(clock::tick).hasMessage("disk full");
        assertThat(clock.current().toText()).isEqualTo("ingester-1:4");
    }
}
