package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import java.util.Optional;

/** Where an instance keeps its vector clock across restarts, so that it never counts an event twice. */
public interface ClockSync {

    /** The clock last persisted for the node, or empty when it has none yet. */
    Optional<VectorClock> load(NodeId node);

    /** Replaces the node's clock; durable when the call returns. */
    void persist(NodeId node, VectorClock clock);
}
