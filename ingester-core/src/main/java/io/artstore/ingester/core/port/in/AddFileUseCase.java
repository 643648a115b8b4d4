package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.saga.SagaId;
import java.io.InputStream;

public interface AddFileUseCase {

    /**
     * Streams {@code content} to a storage element of the command's mode. Either the file is wholly stored
     * and catalogued, or nothing of it remains.
     */
    default AddedFile add(AddFileCommand command, InputStream content) {
        return add(command, content, FileId.random(), SagaId.random());
    }

    /**
     * As {@link #add(AddFileCommand, InputStream)}, as file {@code fileId} by the add saga {@code sagaId}: ids the
     * caller chose, so that it can learn from the saga's log how the add ended even when the instance running it
     * stopped midway.
     */
    AddedFile add(AddFileCommand command, InputStream content, FileId fileId, SagaId sagaId);

    /**
     * Adds a file whose content is already durable on this machine, as {@link #add(AddFileCommand, InputStream)}
     * does; where nothing transforms the bytes and the element can take the file as it is, without copying them.
     * {@code content}'s file is only read (or linked), never changed or deleted.
     */
    default AddedFile add(AddFileCommand command, StagedBytes content) {
        return add(command, content, FileId.random(), SagaId.random());
    }

    /** As {@link #add(AddFileCommand, StagedBytes)}, with the ids chosen by the caller. */
    AddedFile add(AddFileCommand command, StagedBytes content, FileId fileId, SagaId sagaId);
}
