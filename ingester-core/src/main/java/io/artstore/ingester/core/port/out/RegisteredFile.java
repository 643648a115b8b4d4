package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the registry says of a live file: its retention and the element it names. Read when this ingester's
 * catalogue does not know the file, e.g. one uploaded or finalized by another ingester.
 */
public record RegisteredFile(FileId fileId, RetentionPolicy retention, StorageElementId elementId,
        Optional<Instant> finalizedAt) {
    public RegisteredFile {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(elementId, "elementId");
        Objects.requireNonNull(finalizedAt, "finalizedAt");
    }
}
