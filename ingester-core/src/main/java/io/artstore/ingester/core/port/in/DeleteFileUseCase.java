package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.CatalogEntry;

public interface DeleteFileUseCase {

    /**
     * Deletes a file held on an {@code edit} storage element.
     *
     * @return the entry as it was before the delete
     */
    CatalogEntry delete(FileId fileId);
}
