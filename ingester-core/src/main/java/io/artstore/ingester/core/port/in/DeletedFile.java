package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.saga.SagaId;
import java.util.Objects;

/**
 * A file that was deleted.
 *
 * @param entry the catalogue entry as it was before the delete
 * @param sagaId the saga that deleted it, to look up in the saga API
 */
public record DeletedFile(CatalogEntry entry, SagaId sagaId) {

    public DeletedFile {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(sagaId, "sagaId");
    }
}
