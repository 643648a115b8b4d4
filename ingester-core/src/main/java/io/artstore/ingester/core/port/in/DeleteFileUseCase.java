package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.domain.FileId;

public interface DeleteFileUseCase {

    /**
     * Deletes a file held on an {@code edit} storage element.
     *
     * @return the entry as it was before the delete, and the saga that deleted it
     */
    DeletedFile delete(FileId fileId);
}
