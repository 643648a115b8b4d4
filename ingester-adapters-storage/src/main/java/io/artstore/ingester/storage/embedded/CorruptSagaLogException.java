package io.artstore.ingester.storage.embedded;

import java.io.IOException;
import java.nio.file.Path;

/** A saga log file damaged somewhere a crash cannot explain. */
final class CorruptSagaLogException extends IOException {

    private static final long serialVersionUID = 1L;

    CorruptSagaLogException(Path file, long offset, String detail) {
        super("saga log " + file + " is corrupt at offset " + offset + ": " + detail);
    }

    CorruptSagaLogException(String message) {
        super(message);
    }
}
