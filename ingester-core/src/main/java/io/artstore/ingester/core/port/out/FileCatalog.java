package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileId;
import java.util.Optional;

/** File id → the storage element that holds it. Writes are durable when the call returns. */
public interface FileCatalog {

    void put(CatalogEntry entry);

    Optional<CatalogEntry> find(FileId fileId);

    /** Idempotent: removing an unknown id does nothing. */
    void remove(FileId fileId);

    long size();
}
