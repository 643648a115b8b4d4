package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.storage.http.HttpStorageElement.BreakerStatus;
import java.util.Optional;

/** The circuit breakers of remote storage elements, by element; local elements have none. */
@FunctionalInterface
public interface CircuitBreakers {

    CircuitBreakers NONE = id -> Optional.empty();

    Optional<BreakerStatus> of(StorageElementId id);
}
