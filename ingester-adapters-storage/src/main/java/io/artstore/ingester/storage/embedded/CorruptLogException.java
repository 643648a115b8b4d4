package io.artstore.ingester.storage.embedded;

import java.io.IOException;
import java.nio.file.Path;

/** An embedded log file damaged somewhere a crash cannot explain. */
final class CorruptLogException extends IOException {

    private static final long serialVersionUID = 1L;

    CorruptLogException(String log, Path file, long offset, String detail) {
        super(log + " " + file + " is corrupt at offset " + offset + ": " + detail);
    }

    CorruptLogException(String message) {
        super(message);
    }
}
