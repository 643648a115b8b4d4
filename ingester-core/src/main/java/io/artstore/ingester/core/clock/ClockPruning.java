package io.artstore.ingester.core.clock;

import java.util.Objects;
import java.util.Set;

/**
 * The rule that keeps vector clocks bounded. It never looks at time: entries of {@code retired} nodes (instances
 * an operator has taken out of service for good) are dropped first; if more than {@code maxEntries} remain, the
 * entries with the smallest counters go next (ties: the greater node id first), never the {@code keep} node's.
 *
 * <p>Dropping a retired node's entry is safe once every live clock has seen its last event. Dropping a live
 * node's entry is lossy: a comparison involving it may report an order where there was concurrency. That second
 * step is a last resort for a cluster that grew past {@code maxEntries} without retiring its old nodes.
 *
 * <p>{@code idleEvents} bounds how long another node's entry outlives its last growth: an instance drops it once
 * it has counted that many events of its own without seeing the entry's counter grow (see
 * {@link io.artstore.ingester.core.service.LocalClock}), so that no entry a client once sent stays for ever.
 */
public record ClockPruning(Set<NodeId> retired, int maxEntries, long idleEvents) {

    /** Far more events than pass between two requests that carry a live peer's clock. */
    public static final long DEFAULT_IDLE_EVENTS = 100_000;

    /** A bound well above any realistic number of ingester instances, and below the text form's bound. */
    public static final ClockPruning DEFAULT = new ClockPruning(Set.of(), VectorClock.MAX_ENTRIES);

    public ClockPruning {
        retired = Set.copyOf(Objects.requireNonNull(retired, "retired"));
        if (maxEntries < 1 || maxEntries > VectorClock.MAX_ENTRIES) {
            throw new IllegalArgumentException(
                    "maxEntries must be between 1 and " + VectorClock.MAX_ENTRIES + ", got " + maxEntries);
        }
        if (idleEvents < 1) {
            throw new IllegalArgumentException("idleEvents must be at least 1, got " + idleEvents);
        }
    }

    public ClockPruning(Set<NodeId> retired, int maxEntries) {
        this(retired, maxEntries, DEFAULT_IDLE_EVENTS);
    }

    public ClockPruning withRetired(Set<NodeId> nodes) {
        return new ClockPruning(nodes, maxEntries, idleEvents);
    }

    public ClockPruning withIdleEvents(long events) {
        return new ClockPruning(retired, maxEntries, events);
    }
}
