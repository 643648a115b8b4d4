package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileId;
import java.util.Optional;

/** The registry of an ingester that has none: every call does nothing. */
enum NoFileRegistry implements FileRegistry {
    INSTANCE;

    @Override
    public void register(FileRegistration registration) {
        // No registry configured.
    }

    @Override
    public void markFinalized(FileId fileId, Finalization finalization) {
        // No registry configured.
    }

    @Override
    public void softDelete(FileId fileId, DeletionReason reason) {
        // No registry configured.
    }

    @Override
    public Optional<RegisteredFile> find(FileId fileId) {
        return Optional.empty();
    }
}
