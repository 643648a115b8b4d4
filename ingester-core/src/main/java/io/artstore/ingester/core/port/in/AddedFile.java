package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.port.out.CatalogEntry;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A file that was added: where it went and what was stored. */
public record AddedFile(
        CatalogEntry entry,
        StorageElementDescriptor element,
        StoredContent content,
        RetentionPolicy retention,
        Optional<Instant> ttlExpiresAt) {

    public AddedFile {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(ttlExpiresAt, "ttlExpiresAt");
    }
}
