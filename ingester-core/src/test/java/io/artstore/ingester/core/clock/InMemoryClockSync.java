package io.artstore.ingester.core.clock;

import io.artstore.ingester.core.port.out.ClockSync;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Clocks kept in memory, one per node. */
public final class InMemoryClockSync implements ClockSync {

    private final Map<NodeId, VectorClock> clocks = new ConcurrentHashMap<>();

    @Override
    public Optional<VectorClock> load(NodeId node) {
        return Optional.ofNullable(clocks.get(node));
    }

    @Override
    public void persist(NodeId node, VectorClock clock) {
        clocks.put(node, clock);
    }
}
