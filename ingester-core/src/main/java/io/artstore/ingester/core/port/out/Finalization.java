package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a file is kept for good after its transfer: the registry's entry becomes {@code permanent} on this
 * {@code rw} element, without a TTL.
 *
 * @param storagePath the element's {@code storage_path} of the file
 */
public record Finalization(StorageElementId elementId, String storagePath, Instant finalizedAt) {
    public Finalization {
        Objects.requireNonNull(elementId, "elementId");
        Objects.requireNonNull(storagePath, "storagePath");
        Objects.requireNonNull(finalizedAt, "finalizedAt");
    }
}
