package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileId;
import java.util.Optional;

/**
 * ArtStore's registry of files (the admin module's), which the query module, the admin UI, the TTL sweep and the
 * garbage collector read. Each call is durable when it returns and is delivered later, in call order per file,
 * however long the registry is throttled or unreachable; so a saga step may call it and move on. Calls are
 * idempotent on the wire, so a step that is repeated may repeat its call.
 */
public interface FileRegistry {

    /** Registers a file that was stored. */
    void register(FileRegistration registration);

    /** Marks a file permanent after its transfer to an {@code rw} element. */
    void markFinalized(FileId fileId, Finalization finalization);

    /** Soft-deletes the file's entry; its copy on the storage element is removed separately. */
    void softDelete(FileId fileId, DeletionReason reason);

    /**
     * Reads the file's entry now, not through the outbox: empty when the registry has none or only a soft-deleted one
     * (and always for an ingester without a registry).
     *
     * @throws io.artstore.ingester.core.domain.IngestException 503 {@code registry_unavailable} when the registry
     *     cannot answer (unreachable, throttled, failing)
     */
    Optional<RegisteredFile> find(FileId fileId);

    /** A registry that takes nothing: for an ingester configured without one. */
    static FileRegistry none() {
        return NoFileRegistry.INSTANCE;
    }
}
