package io.artstore.ingester.core.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Laws of vector clocks, checked on many random clocks drawn from a fixed seed so that a failure repeats. */
class VectorClockTest {

    private static final int ITERATIONS = 2_000;
    private static final List<NodeId> NODES = List.of(NodeId.of("a"), NodeId.of("b"), NodeId.of("c"), NodeId.of("node-d"),
            NodeId.of("ingester-1.eu"), NodeId.of("ingester_2"));

    private final Random random = new Random(20261125L);

    @Test
    void merge_is_commutative() {
        forAll(3, clocks -> assertThat(clocks[0].merge(clocks[1])).isEqualTo(clocks[1].merge(clocks[0])));
    }

    @Test
    void merge_is_associative() {
        forAll(3, clocks -> assertThat(clocks[0].merge(clocks[1]).merge(clocks[2]))
                .isEqualTo(clocks[0].merge(clocks[1].merge(clocks[2]))));
    }

    @Test
    void merge_is_idempotent() {
        forAll(1, clocks -> assertThat(clocks[0].merge(clocks[0])).isEqualTo(clocks[0]));
    }

    @Test
    void both_clocks_are_at_or_before_their_merge() {
        forAll(2, clocks -> {
            VectorClock merged = clocks[0].merge(clocks[1]);
            assertThat(clocks[0].happenedBeforeOrEqual(merged)).isTrue();
            assertThat(clocks[1].happenedBeforeOrEqual(merged)).isTrue();
        });
    }

    @Test
    void compare_agrees_with_merge() {
        forAll(2, clocks -> {
            VectorClock a = clocks[0];
            VectorClock b = clocks[1];
            VectorClock merged = a.merge(b);
            ClockOrder expected = a.equals(b) ? ClockOrder.EQUAL
                    : merged.equals(b) ? ClockOrder.BEFORE
                    : merged.equals(a) ? ClockOrder.AFTER
                    : ClockOrder.CONCURRENT;
            assertThat(a.compare(b)).isEqualTo(expected);
        });
    }

    @Test
    void compare_is_antisymmetric() {
        Map<ClockOrder, ClockOrder> mirror = Map.of(ClockOrder.BEFORE, ClockOrder.AFTER, ClockOrder.AFTER, ClockOrder.BEFORE,
                ClockOrder.EQUAL, ClockOrder.EQUAL, ClockOrder.CONCURRENT, ClockOrder.CONCURRENT);
        forAll(2, clocks -> assertThat(clocks[1].compare(clocks[0])).isEqualTo(mirror.get(clocks[0].compare(clocks[1]))));
    }

    @Test
    void increment_makes_a_clock_after_the_one_it_came_from() {
        forAll(1, clocks -> {
            NodeId node = NODES.get(random.nextInt(NODES.size()));
            VectorClock next = clocks[0].increment(node);
            assertThat(next.compare(clocks[0])).isEqualTo(ClockOrder.AFTER);
            assertThat(clocks[0].compare(next)).isEqualTo(ClockOrder.BEFORE);
            assertThat(next.get(node)).isEqualTo(clocks[0].get(node) + 1);
        });
    }

    @Test
    void events_on_two_nodes_that_did_not_exchange_clocks_are_concurrent() {
        forAll(1, clocks -> {
            VectorClock left = clocks[0].increment(NODES.get(0));
            VectorClock right = clocks[0].increment(NODES.get(1));
            assertThat(left.compare(right)).isEqualTo(ClockOrder.CONCURRENT);
            assertThat(left.merge(right).increment(NODES.get(1)).compare(left)).isEqualTo(ClockOrder.AFTER);
        });
    }

    @Test
    void the_text_form_round_trips() {
        forAll(1, clocks -> assertThat(VectorClock.parse(clocks[0].toText())).isEqualTo(clocks[0]));
    }

    @Test
    void the_text_form_lists_entries_sorted_by_node() {
        VectorClock clock = VectorClock.empty().increment(NodeId.of("node-b")).increment(NodeId.of("node-a"))
                .increment(NodeId.of("node-b"));

        assertThat(clock.toText()).isEqualTo("node-a:1,node-b:2");
        assertThat(VectorClock.parse(" node-b:2 , node-a:1 ")).isEqualTo(clock);
        assertThat(VectorClock.parse("")).isEqualTo(VectorClock.empty());
        assertThat(VectorClock.empty().toText()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"node-a", "node-a:", ":3", "node-a:3:4", "node-a:x", "node-a:-1", "node-a:0", "node-a:1,,node-b:2",
            "node a:1", "node-a:99999999999999999999", "node-a:1,node-a:2", "node-a:1,"})
    void malformed_text_is_refused_with_a_message_naming_the_entry(String text) {
        assertThatThrownBy(() -> VectorClock.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node");
    }

    @Test
    void text_longer_than_the_bound_is_refused_before_it_is_read() {
        String tooLong = "a:1,".repeat(VectorClock.MAX_TEXT_LENGTH / 4 + 1);

        assertThatThrownBy(() -> VectorClock.parse(tooLong)).hasMessageContaining("at most " + VectorClock.MAX_TEXT_LENGTH);
    }

    @Test
    void text_with_more_entries_than_the_bound_is_refused() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i <= VectorClock.MAX_ENTRIES; i++) {
            text.append(i == 0 ? "" : ",").append("n").append(i).append(":1");
        }

        assertThatThrownBy(() -> VectorClock.parse(text.toString())).hasMessageContaining("at most " + VectorClock.MAX_ENTRIES);
    }

    @Test
    void pruning_drops_retired_nodes_first() {
        VectorClock clock = VectorClock.parse("a:9,b:1,c:5,old-1:100,old-2:200");

        VectorClock pruned = clock.prune(new ClockPruning(Set.of(NodeId.of("old-1"), NodeId.of("old-2")), 4), NodeId.of("a"));

        assertThat(pruned.toText()).isEqualTo("a:9,b:1,c:5");
    }

    @Test
    void pruning_over_the_bound_then_drops_the_smallest_counters_but_never_the_kept_node() {
        VectorClock clock = VectorClock.parse("a:1,b:1,c:5,d:7,old:100");

        VectorClock pruned = clock.prune(new ClockPruning(Set.of(NodeId.of("old")), 2), NodeId.of("a"));

        assertThat(pruned.toText()).isEqualTo("a:1,d:7");
    }

    @Test
    void pruning_within_the_bound_and_without_retired_nodes_changes_nothing() {
        forAll(1, clocks -> assertThat(clocks[0].prune(ClockPruning.DEFAULT, NODES.get(0))).isEqualTo(clocks[0]));
    }

    @Test
    void pruning_keeps_the_clock_within_its_bound() {
        forAll(1, clocks -> {
            int max = 1 + random.nextInt(3);
            VectorClock pruned = clocks[0].prune(new ClockPruning(Set.of(NodeId.of("b")), max), NodeId.of("a"));
            assertThat(pruned.size()).isLessThanOrEqualTo(max);
            assertThat(pruned.get(NodeId.of("a"))).isEqualTo(clocks[0].get(NodeId.of("a")));
            assertThat(pruned.get(NodeId.of("b"))).isZero();
            assertThat(pruned.happenedBeforeOrEqual(clocks[0])).isTrue();
        });
    }

    @Test
    void counters_below_one_are_refused() {
        assertThatThrownBy(() -> VectorClock.of(Map.of(NodeId.of("a"), 0L))).hasMessageContaining("must be >= 1");
    }

    @Test
    void counters_above_two_to_the_53_are_refused() {
        assertThat(VectorClock.parse("a:9007199254740992").get(NodeId.of("a"))).isEqualTo(VectorClock.MAX_COUNTER);
        for (String text : List.of("a:9007199254740993", "a:9223372036854775806", "a:9223372036854775807",
                "a:00000000000000009007199254740993")) {
            assertThatThrownBy(() -> VectorClock.parse(text)).as(text).hasMessageContaining("out of range");
        }
        assertThatThrownBy(() -> VectorClock.of(Map.of(NodeId.of("a"), VectorClock.MAX_COUNTER + 1)))
                .hasMessageContaining("<= " + VectorClock.MAX_COUNTER);
    }

    @Test
    void increment_saturates_at_the_largest_counter_and_never_throws() {
        VectorClock top = VectorClock.parse("a:9007199254740992,b:9007199254740991");

        VectorClock once = top.increment(NodeId.of("a")).increment(NodeId.of("b"));

        assertThat(once.get(NodeId.of("a"))).isEqualTo(VectorClock.MAX_COUNTER);
        assertThat(once.get(NodeId.of("b"))).isEqualTo(VectorClock.MAX_COUNTER);
        assertThat(once.increment(NodeId.of("b")).get(NodeId.of("b"))).isEqualTo(VectorClock.MAX_COUNTER);
    }

    @Test
    void stored_counters_beyond_the_range_are_read_as_the_largest_counter() {
        VectorClock stored = VectorClock.parseSaturating("a:9223372036854775807,b:99999999999999999999999,c:4");

        assertThat(stored.toText()).isEqualTo("a:9007199254740992,b:9007199254740992,c:4");
        assertThat(stored.increment(NodeId.of("a"))).isEqualTo(stored);
        assertThatThrownBy(() -> VectorClock.parseSaturating("a:x")).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> VectorClock.parseSaturating("a:0")).hasMessageContaining(">= 1");
    }

    @Test
    void retain_keeps_only_the_entries_accepted() {
        VectorClock clock = VectorClock.parse("a:1,client-7:3,ingester-x:2");

        assertThat(clock.retain(node -> !node.value().startsWith("client")).toText()).isEqualTo("a:1,ingester-x:2");
        assertThat(clock.retain(node -> true)).isSameAs(clock);
    }

    @Test
    void node_ids_that_would_break_the_text_form_are_refused() {
        for (String bad : List.of("", "a:b", "a,b", "a b", "-a", "x".repeat(65))) {
            assertThatThrownBy(() -> NodeId.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private void forAll(int arity, Consumer<VectorClock[]> property) {
        for (int i = 0; i < ITERATIONS; i++) {
            VectorClock[] clocks = new VectorClock[arity];
            for (int j = 0; j < arity; j++) {
                clocks[j] = randomClock();
            }
            try {
                property.accept(clocks);
            } catch (AssertionError failure) {
                throw new AssertionError("iteration " + i + " with " + List.of(clocks) + ": " + failure.getMessage(), failure);
            }
        }
    }

    /** Small counters, so that equal and ordered pairs come up often, not only concurrent ones. */
    private VectorClock randomClock() {
        Map<NodeId, Long> counters = new HashMap<>();
        for (NodeId node : NODES) {
            if (random.nextInt(3) > 0) {
                counters.put(node, 1L + random.nextInt(3));
            }
        }
        return VectorClock.of(counters);
    }
}
