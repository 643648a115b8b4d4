package io.artstore.ingester.core.clock;

import io.artstore.ingester.core.port.out.ClockSync;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Makes a node's clock durable once per block of its own counter instead of at every event, as a database
 * sequence caches values: the stored clock holds the node's counter raised by {@code block} past the one handed
 * out, so the events up to that counter need no write, and after a restart counting goes on from the stored
 * counter, above every counter handed out before. The other nodes' entries are stored whenever they differ from
 * the stored ones (they grow only when a clock from outside is taken in), so what a handed-out clock has seen of
 * other nodes is durable before it is handed out, as before.
 *
 * <p>A restart skips at most {@code block} counters, which ordering does not need. Thread-safe.
 */
public final class ReservingClockSync implements ClockSync {

    /** Counters made durable by one write: one write per about 60 uploads of 18 events each. */
    public static final long DEFAULT_BLOCK = 1_024;

    private final ClockSync delegate;
    private final long block;
    /** The clock last stored (or loaded) per node. */
    private final Map<NodeId, VectorClock> stored = new HashMap<>();

    public ReservingClockSync(ClockSync delegate, long block) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (block < 1) {
            throw new IllegalArgumentException("block must be 1 or more, got " + block);
        }
        this.block = block;
    }

    @Override
    public synchronized Optional<VectorClock> load(NodeId node) {
        Optional<VectorClock> loaded = delegate.load(node);
        loaded.ifPresent(clock -> stored.put(node, clock));
        return loaded;
    }

    @Override
    public synchronized void persist(NodeId node, VectorClock clock) {
        Objects.requireNonNull(clock, "clock");
        VectorClock last = stored.get(node);
        if (last != null && clock.get(node) <= last.get(node) && others(clock, node).equals(others(last, node))) {
            return;
        }
        Map<NodeId, Long> reserved = new TreeMap<>(clock.entries());
        reserved.put(node, Math.min(VectorClock.MAX_COUNTER, Math.max(clock.get(node), 0) + block));
        VectorClock toStore = VectorClock.of(reserved);
        delegate.persist(node, toStore);
        stored.put(node, toStore);
    }

    private static Map<NodeId, Long> others(VectorClock clock, NodeId node) {
        Map<NodeId, Long> others = new TreeMap<>(clock.entries());
        others.remove(node);
        return others;
    }
}
