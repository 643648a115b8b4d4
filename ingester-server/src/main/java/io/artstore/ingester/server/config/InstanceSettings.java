package io.artstore.ingester.server.config;

import io.artstore.ingester.core.clock.ClockParticipants;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import java.util.Objects;
import java.util.Optional;

/**
 * This instance's identity among ingesters, and what it takes in from vector clocks that clients send.
 *
 * @param nodeId its node id in vector clocks; when empty, one is generated at first start and kept in
 *     {@code <data_dir>/node-id}
 * @param clockParticipants a regular expression matching, as a whole, the node ids of the other participants whose
 *     entries are merged into this instance's clock (see {@link ClockParticipants})
 * @param clockMaxEntries the most entries a received {@code X-ArtStore-Vector-Clock} header may have
 */
public record InstanceSettings(Optional<NodeId> nodeId, String clockParticipants, int clockMaxEntries) {

    /** Well above the participants of one ArtStore deployment, half the bound of a clock itself. */
    public static final int DEFAULT_CLOCK_MAX_ENTRIES = 64;

    public InstanceSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(clockParticipants, "clockParticipants");
        if (clockMaxEntries < 1 || clockMaxEntries > VectorClock.MAX_ENTRIES) {
            throw new IllegalArgumentException("clockMaxEntries must be from 1 to " + VectorClock.MAX_ENTRIES + ", got "
                    + clockMaxEntries);
        }
    }
}
