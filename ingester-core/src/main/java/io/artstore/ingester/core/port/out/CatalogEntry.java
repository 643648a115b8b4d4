package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import java.util.Objects;

/** Where a file lives and what it is, as the file catalogue records it. */
public record CatalogEntry(StorageElementId elementId, Mode mode, FileAttributes attributes) {

    public CatalogEntry {
        Objects.requireNonNull(elementId, "elementId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(attributes, "attributes");
    }

    public FileId fileId() {
        return attributes.fileId();
    }
}
