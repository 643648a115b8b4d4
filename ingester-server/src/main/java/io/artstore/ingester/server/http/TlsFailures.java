package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.storage.http.HttpStorageElement.TlsFailure;
import java.util.Map;

/** Remote storage elements whose last TLS handshake failed, so that health, status and 503 answers can say why. */
@FunctionalInterface
public interface TlsFailures {

    TlsFailures NONE = Map::of;

    /** The failures now, by element, in the order the elements are configured. */
    Map<StorageElementId, TlsFailure> now();
}
