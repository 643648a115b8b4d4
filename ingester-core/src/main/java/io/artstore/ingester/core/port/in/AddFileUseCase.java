package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.upload.StagedBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

public interface AddFileUseCase {

    /**
     * Streams {@code content} to a storage element of the command's mode. Either the file is wholly stored
     * and catalogued, or nothing of it remains.
     */
    AddedFile add(AddFileCommand command, InputStream content);

    /**
     * Adds a file whose content is already durable on this machine, as {@link #add(AddFileCommand, InputStream)}
     * does; where nothing transforms the bytes and the element can take the file as it is, without copying them.
     * {@code content}'s file is only read (or linked), never changed or deleted.
     */
    default AddedFile add(AddFileCommand command, StagedBytes content) {
        try (InputStream in = Files.newInputStream(content.file())) {
            return add(command, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + content.file(), e);
        }
    }
}
