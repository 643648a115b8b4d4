package io.artstore.ingester.core.tasks;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.port.out.StorageElement;
import java.io.InputStream;

/**
 * Reads a stored file's original bytes back from its element: decrypted and decompressed as its attributes say, and
 * checked against its original size and SHA-256 (a mismatch fails the read before its last byte).
 */
@FunctionalInterface
public interface OriginalReader {

    /** @throws io.artstore.ingester.core.domain.IngestException {@code NOT_FOUND} when the element no longer holds it */
    InputStream open(StorageElement element, FileAttributes attributes);
}
