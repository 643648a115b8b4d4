package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import java.io.InputStream;
import java.util.Optional;

/**
 * One storage element, local or remote. Implementations are thread-safe. Failures are reported as
 * {@link IngestException}: {@code CONFLICT} for what the element's mode forbids, {@code UNAVAILABLE} when
 * it cannot be reached, {@code INTERNAL} otherwise; a failure of the content stream itself is passed on
 * unchanged.
 */
public interface StorageElement {

    StorageElementId id();

    /** Mode, priority, health and free space as of now (may be cached briefly by remote elements). */
    StorageElementDescriptor describe();

    /**
     * Stores a new file, reading {@code content} to its end. The file becomes visible only once wholly and
     * durably written; when the call fails nothing of it is left behind.
     *
     * @return the attributes as stored, with the checksum and size of the stored bytes
     */
    FileAttributes store(StoreRequest request, InputStream content);

    /** The file's attributes, or empty when this element does not hold it. */
    Optional<FileAttributes> stat(FileId fileId);

    /** The stored bytes, or empty when this element does not hold the file. The caller closes the stream. */
    Optional<InputStream> open(FileId fileId);

    /**
     * Deletes the file; idempotent.
     *
     * @return true when this call deleted it, false when it was not there
     * @throws IngestException {@code CONFLICT} when the element's mode does not allow deleting
     */
    boolean delete(FileId fileId);
}
