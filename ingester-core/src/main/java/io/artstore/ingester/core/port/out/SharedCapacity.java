package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Health and free space of storage elements as the one instance that polls each of them last reported it, so that
 * a cluster of instances polls every element once rather than once per instance.
 */
public interface SharedCapacity {

    /** The last report on the element, or empty when there is none recent enough to trust. */
    Optional<Report> reported(StorageElementId id);

    record Report(Health health, Capacity capacity, Instant polledAt) {
        public Report {
            Objects.requireNonNull(health, "health");
            Objects.requireNonNull(capacity, "capacity");
            Objects.requireNonNull(polledAt, "polledAt");
        }
    }

    static SharedCapacity none() {
        return id -> Optional.empty();
    }
}
