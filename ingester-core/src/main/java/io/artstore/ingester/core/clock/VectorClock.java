package io.artstore.ingester.core.clock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * An immutable vector clock: one counter per node that has counted an event. A node absent from the clock has
 * counter zero, so counters stored are always at least one.
 *
 * <p>Its text form, used in the {@code X-ArtStore-Vector-Clock} header and in logs, lists the entries sorted
 * by node id: {@code node-a:3,node-b:7}; the empty clock is the empty string.
 *
 * <p>Counters are at most {@link #MAX_COUNTER}, the largest integer a JSON number holds exactly; a counter that
 * reached it stays there ({@link #increment} saturates), so that no clock value can make an event fail.
 */
public final class VectorClock {

    /** The most entries a clock may have, here and in its text form. */
    public static final int MAX_ENTRIES = 128;
    /** The largest counter, 2^53: beyond it JSON readers (JavaScript's among them) lose precision. */
    public static final long MAX_COUNTER = 1L << 53;
    /** The longest text form accepted: every entry at its longest, plus separators. */
    public static final int MAX_TEXT_LENGTH = MAX_ENTRIES * (64 + 1 + 19 + 1);

    private static final VectorClock EMPTY = new VectorClock(new TreeMap<>());

    private final SortedMap<NodeId, Long> counters;

    private VectorClock(TreeMap<NodeId, Long> counters) {
        this.counters = Collections.unmodifiableSortedMap(counters);
    }

    public static VectorClock empty() {
        return EMPTY;
    }

    /**
     * @throws IllegalArgumentException when a counter is below one or above {@link #MAX_COUNTER}, or there are more
     *     than {@link #MAX_ENTRIES}
     */
    public static VectorClock of(Map<NodeId, Long> counters) {
        TreeMap<NodeId, Long> copy = new TreeMap<>();
        counters.forEach((node, counter) -> {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(counter, "counter");
            if (counter < 1 || counter > MAX_COUNTER) {
                throw new IllegalArgumentException("the counter of node " + node + " must be >= 1 and <= " + MAX_COUNTER
                        + ", got " + counter);
            }
            copy.put(node, counter);
        });
        checkSize(copy.size());
        return new VectorClock(copy);
    }

    /** The node's counter; zero when the clock has no entry for it. */
    public long get(NodeId node) {
        return counters.getOrDefault(node, 0L);
    }

    /** The entries, sorted by node id. */
    public SortedMap<NodeId, Long> entries() {
        return counters;
    }

    public int size() {
        return counters.size();
    }

    /** This clock after one more event on {@code node}; a counter at {@link #MAX_COUNTER} stays there. */
    public VectorClock increment(NodeId node) {
        Objects.requireNonNull(node, "node");
        TreeMap<NodeId, Long> next = new TreeMap<>(counters);
        next.put(node, Math.min(get(node) + 1, MAX_COUNTER));
        return new VectorClock(next);
    }

    /** The entries of the nodes {@code keep} accepts, the others dropped. */
    public VectorClock retain(Predicate<NodeId> keep) {
        Objects.requireNonNull(keep, "keep");
        TreeMap<NodeId, Long> next = new TreeMap<>(counters);
        next.keySet().removeIf(node -> !keep.test(node));
        return next.size() == counters.size() ? this : new VectorClock(next);
    }

    /** The least clock that is at or after both: the entry-wise maximum. Not pruned: see {@link #prune}. */
    public VectorClock merge(VectorClock other) {
        TreeMap<NodeId, Long> next = new TreeMap<>(counters);
        other.counters.forEach((node, counter) -> next.merge(node, counter, Math::max));
        return new VectorClock(next);
    }

    /** How this clock relates to {@code other}: BEFORE means every event this clock saw, {@code other} saw too. */
    public ClockOrder compare(VectorClock other) {
        boolean less = false;
        boolean greater = false;
        TreeSet<NodeId> nodes = new TreeSet<>(counters.keySet());
        nodes.addAll(other.counters.keySet());
        for (NodeId node : nodes) {
            long mine = get(node);
            long theirs = other.get(node);
            less |= mine < theirs;
            greater |= mine > theirs;
        }
        if (less && greater) {
            return ClockOrder.CONCURRENT;
        }
        return less ? ClockOrder.BEFORE : greater ? ClockOrder.AFTER : ClockOrder.EQUAL;
    }

    /** True when this clock is before or equal to {@code other}. */
    public boolean happenedBeforeOrEqual(VectorClock other) {
        ClockOrder order = compare(other);
        return order == ClockOrder.BEFORE || order == ClockOrder.EQUAL;
    }

    /** This clock bounded by {@code rule}, never dropping {@code keep}'s entry; see {@link ClockPruning}. */
    public VectorClock prune(ClockPruning rule, NodeId keep) {
        TreeMap<NodeId, Long> next = new TreeMap<>(counters);
        next.keySet().removeIf(node -> rule.retired().contains(node) && !node.equals(keep));
        if (next.size() > rule.maxEntries()) {
            List<Map.Entry<NodeId, Long>> droppable = new ArrayList<>();
            next.entrySet().stream().filter(entry -> !entry.getKey().equals(keep)).forEach(droppable::add);
            droppable.sort(Map.Entry.<NodeId, Long>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())));
            int excess = next.size() - rule.maxEntries();
            for (Map.Entry<NodeId, Long> entry : droppable.subList(0, Math.min(excess, droppable.size()))) {
                next.remove(entry.getKey());
            }
        }
        return next.size() == counters.size() ? this : new VectorClock(next);
    }

    /** The text form, e.g. {@code node-a:3,node-b:7}. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        counters.forEach((node, counter) -> {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(node.value()).append(':').append(counter);
        });
        return text.toString();
    }

    /**
     * Reads the text form; blanks around entries are allowed, an empty or blank text is the empty clock.
     *
     * @throws IllegalArgumentException naming the offending entry when the text is malformed, too long, or has a
     *     counter above {@link #MAX_COUNTER}
     */
    public static VectorClock parse(String text) {
        return parse(text, false);
    }

    /**
     * Reads the text form as {@link #parse} does, but takes a counter above {@link #MAX_COUNTER} (even one beyond
     * a {@code long}) as {@code MAX_COUNTER}: for clocks stored by versions that did not bound counters, which
     * must stay readable.
     *
     * @throws IllegalArgumentException naming the offending entry when the text is malformed or too long
     */
    public static VectorClock parseSaturating(String text) {
        return parse(text, true);
    }

    private static VectorClock parse(String text, boolean saturate) {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("a vector clock is at most " + MAX_TEXT_LENGTH + " characters, got "
                    + text.length());
        }
        if (text.isBlank()) {
            return EMPTY;
        }
        TreeMap<NodeId, Long> counters = new TreeMap<>();
        for (String part : text.split(",", -1)) {
            String entry = part.strip();
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1 || entry.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("a vector clock entry is <node>:<counter> like 'node-a:3', got '"
                        + entry + "' in '" + abbreviate(text) + "'");
            }
            NodeId node = new NodeId(entry.substring(0, colon).strip());
            long counter = parseCounter(entry.substring(colon + 1).strip(), entry, saturate);
            if (counters.put(node, counter) != null) {
                throw new IllegalArgumentException("node " + node + " appears twice in the vector clock '"
                        + abbreviate(text) + "'");
            }
            checkSize(counters.size());
        }
        return new VectorClock(counters);
    }

    private static long parseCounter(String digits, String entry, boolean saturate) {
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("the counter in vector clock entry '" + abbreviate(entry)
                    + "' is not a whole number");
        }
        String significant = digits.replaceFirst("^0+(?=.)", "");
        // More than 16 digits is above MAX_COUNTER (16 digits) whatever they are; no need to parse them.
        long counter = significant.length() > 16 ? Long.MAX_VALUE : Long.parseLong(significant);
        if (counter < 1) {
            throw new IllegalArgumentException("the counter in vector clock entry '" + abbreviate(entry) + "' must be >= 1");
        }
        if (counter > MAX_COUNTER) {
            if (saturate) {
                return MAX_COUNTER;
            }
            throw new IllegalArgumentException("the counter in vector clock entry '" + abbreviate(entry)
                    + "' is out of range: counters go from 1 to " + MAX_COUNTER);
        }
        return counter;
    }

    private static void checkSize(int size) {
        if (size > MAX_ENTRIES) {
            throw new IllegalArgumentException("a vector clock has at most " + MAX_ENTRIES + " entries; prune retired nodes");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VectorClock clock && counters.equals(clock.counters);
    }

    @Override
    public int hashCode() {
        return counters.hashCode();
    }

    @Override
    public String toString() {
        return "VectorClock[" + toText() + "]";
    }
}
