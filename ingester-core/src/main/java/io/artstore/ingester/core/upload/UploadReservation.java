package io.artstore.ingester.core.upload;

import io.artstore.ingester.core.domain.StorageElementId;
import java.util.Objects;
import java.util.Optional;

/**
 * The space an upload holds: {@code stagingBytes} counted against the staging area, and, when a storage element
 * was chosen at creation, the bytes promised on it. Released when the upload completes, is terminated or expires.
 */
public record UploadReservation(long stagingBytes, Optional<StorageElementId> element) {

    public UploadReservation {
        Objects.requireNonNull(element, "element");
        if (stagingBytes < 0) {
            throw new IllegalArgumentException("reserved bytes must not be negative");
        }
    }

    public static UploadReservation none() {
        return new UploadReservation(0, Optional.empty());
    }

    public UploadReservation withStagingBytes(long bytes) {
        return new UploadReservation(bytes, element);
    }
}
