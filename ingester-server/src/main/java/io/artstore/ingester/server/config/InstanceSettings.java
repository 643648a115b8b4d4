package io.artstore.ingester.server.config;

import io.artstore.ingester.core.clock.NodeId;
import java.util.Objects;
import java.util.Optional;

/**
 * This instance's identity among ingesters.
 *
 * @param nodeId its node id in vector clocks; when empty, one is generated at first start and kept in
 *     {@code <data_dir>/node-id}
 */
public record InstanceSettings(Optional<NodeId> nodeId) {

    public InstanceSettings {
        Objects.requireNonNull(nodeId, "nodeId");
    }
}
