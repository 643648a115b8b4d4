package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.Locks.Lock;
import java.util.Objects;
import java.util.UUID;

/**
 * Deletes a file under its lock, so that a delete and a transfer of the same file never interleave: whichever
 * takes the lock first runs, the other is refused with 409 {@code file_locked}.
 */
public final class LockingDeleteFileService implements DeleteFileUseCase {

    private final DeleteFileUseCase delegate;
    private final Locks locks;

    public LockingDeleteFileService(DeleteFileUseCase delegate, Locks locks) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.locks = Objects.requireNonNull(locks, "locks");
    }

    @Override
    public CatalogEntry delete(FileId fileId) {
        Lock lock = locks.tryLock(fileId, Locks.Operation.DELETE, "delete-" + UUID.randomUUID())
                .orElseThrow(() -> IngestException.conflict("file_locked", "file " + fileId + " is locked by "
                        + locks.holder(fileId).map(held -> "a running " + held.operation().wireName() + " operation")
                                .orElse("another operation")
                        + "; retry once it has finished"));
        try {
            return delegate.delete(fileId);
        } finally {
            locks.release(lock);
        }
    }
}
