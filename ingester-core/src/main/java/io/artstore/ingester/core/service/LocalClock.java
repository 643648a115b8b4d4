package io.artstore.ingester.core.service;

import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.port.out.ClockSync;
import java.util.Objects;

/**
 * This instance's vector clock. Each local event ticks it; each clock received from a peer is merged in (a
 * receipt is an event too). Every new value is persisted before it is handed out, so a restart never reuses a
 * counter. Thread-safe: events are serialised on this object.
 */
public final class LocalClock {

    private final NodeId node;
    private final ClockSync sync;
    private final ClockPruning pruning;
    private VectorClock current;

    public LocalClock(NodeId node, ClockSync sync, ClockPruning pruning) {
        this.node = Objects.requireNonNull(node, "node");
        this.sync = Objects.requireNonNull(sync, "sync");
        this.pruning = Objects.requireNonNull(pruning, "pruning");
        this.current = sync.load(node).orElse(VectorClock.empty()).prune(pruning, node);
    }

    public NodeId node() {
        return node;
    }

    public synchronized VectorClock current() {
        return current;
    }

    /** Counts one local event and returns the clock to stamp it with. */
    public synchronized VectorClock tick() {
        return advance(current.increment(node));
    }

    /** Takes in a clock received from a peer and counts the receipt; returns the clock after it. */
    public synchronized VectorClock receive(VectorClock received) {
        Objects.requireNonNull(received, "received");
        return advance(current.merge(received).increment(node));
    }

    private VectorClock advance(VectorClock next) {
        VectorClock bounded = next.prune(pruning, node);
        sync.persist(node, bounded);
        current = bounded;
        return bounded;
    }
}
