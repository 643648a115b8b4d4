package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.domain.Sha256;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file's whole content, already durable in a file on this machine, with its size and SHA-256: what a completed
 * resumable upload hands to the add saga, so that a storage element on the same file system can take the file as it
 * is instead of having its bytes copied.
 *
 * @param file holds at least {@code size} bytes; only the first {@code size} are the content
 * @param checksum the SHA-256 of those bytes, computed as they were received or by reading them back
 */
public record StagedBytes(Path file, long size, Sha256 checksum) {

    public StagedBytes {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(checksum, "checksum");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
    }
}
