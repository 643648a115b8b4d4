package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.port.in.DeletedFile;
import io.artstore.ingester.core.port.in.FileLocation;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaResult;
import java.util.Objects;

/**
 * Deletes a file from an {@code edit} storage element by running the {@link DeleteFileSaga}. The saga takes
 * the file's lock as its first step, so a delete that races a transfer is refused with 409
 * {@code file_locked}.
 */
public final class DurableDeleteFileService implements DeleteFileUseCase {

    private final FileLocator locator;
    private final DeleteFileSaga saga;
    private final SagaOrchestrator orchestrator;

    public DurableDeleteFileService(FileLocator locator, DeleteFileSaga saga, SagaOrchestrator orchestrator) {
        this.locator = Objects.requireNonNull(locator, "locator");
        this.saga = Objects.requireNonNull(saga, "saga");
        this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
    }

    @Override
    public DeletedFile delete(FileId fileId) {
        return delete(fileId, SagaId.random());
    }

    /**
     * {@link #delete(FileId)} by a saga of the given id, so that a caller which may have started it before (and
     * died) can find it in the saga log instead of deleting twice.
     *
     * @throws IngestException {@code CONFLICT} ({@code saga_exists}) when a saga has that id already
     */
    public DeletedFile delete(FileId fileId, SagaId sagaId) {
        Objects.requireNonNull(sagaId, "sagaId");
        FileLocation location = locator.find(fileId).orElseThrow(() ->
                IngestException.notFound("file_not_found", "no file has the id " + fileId));
        CatalogEntry entry = location.entry();
        if (!location.element().mode().allowsDelete()) {
            throw IngestException.conflict("wrong_mode", "file " + fileId + " is on storage element " + entry.elementId()
                    + " in mode '" + location.element().mode().wireName() + "'; only files on 'edit' storage elements can be deleted");
        }
        SagaResult<DeleteFileSaga.Data> result = orchestrator.run(saga.definition(), sagaId, DeleteFileSaga.Data.of(entry));
        return switch (result.state()) {
            case COMPLETED -> new DeletedFile(entry, sagaId);
            case COMPENSATED, FAILED_COMPENSATION -> throw result.cause()
                    .filter(IngestException.class::isInstance).map(IngestException.class::cast)
                    .orElseGet(() -> new IngestException(Kind.INTERNAL, "delete_failed", "the delete of file " + fileId
                            + " was undone (saga " + sagaId + "): "
                            + result.failure().map(failure -> failure.message()).orElse("no reason logged"),
                            result.cause().orElse(null)));
            case RUNNING, COMPENSATING -> throw new IngestException(Kind.UNAVAILABLE, "saga_pending", "the delete of file "
                    + fileId + " is being finished in the background (saga " + sagaId + "); look it up at /api/v1/sagas/" + sagaId);
        };
    }
}
