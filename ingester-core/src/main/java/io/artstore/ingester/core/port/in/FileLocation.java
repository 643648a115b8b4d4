package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.port.out.CatalogEntry;
import java.util.Objects;

/** Where a file is and what it is. */
public record FileLocation(CatalogEntry entry, StorageElementDescriptor element) {

    public FileLocation {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(element, "element");
    }

    public RetentionPolicy retention() {
        return RetentionPolicy.of(entry.mode());
    }
}
