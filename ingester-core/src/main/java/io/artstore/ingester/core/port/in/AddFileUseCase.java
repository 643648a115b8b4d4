package io.artstore.ingester.core.port.in;

import java.io.InputStream;

public interface AddFileUseCase {

    /**
     * Streams {@code content} to a storage element of the command's mode. Either the file is wholly stored
     * and catalogued, or nothing of it remains.
     */
    AddedFile add(AddFileCommand command, InputStream content);
}
