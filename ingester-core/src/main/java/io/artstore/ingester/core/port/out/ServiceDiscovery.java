package io.artstore.ingester.core.port.out;

import java.util.List;
import java.util.Objects;

/**
 * The storage elements that a discovery service (ArtStore's admin module, through Redis) announces. Implementations
 * keep the last set seen and answer from memory; they never block on the service.
 */
public interface ServiceDiscovery {

    /** The set as now known, and whether it is live or a fallback. */
    Snapshot current();

    /** @param elements ordered as announced, one per id */
    record Snapshot(List<DiscoveredElement> elements, DiscoveryStatus status) {
        public Snapshot {
            elements = List.copyOf(elements);
            Objects.requireNonNull(status, "status");
        }
    }
}
