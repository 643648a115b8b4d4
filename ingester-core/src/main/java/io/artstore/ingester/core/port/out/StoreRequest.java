package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Uploader;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a storage element needs to store one file besides its bytes.
 *
 * @param metadata evaluated only after the content stream has been read to its end, so that it can carry
 *     what the ingester learnt from the bytes (digests, sizes); a storage element must not call it earlier
 */
public record StoreRequest(
        FileId fileId,
        String originalFilename,
        String contentType,
        Uploader uploader,
        Optional<String> description,
        Optional<String> version,
        Instant createdAt,
        Supplier<Map<String, Object>> metadata) {

    public StoreRequest {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(originalFilename, "originalFilename");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(uploader, "uploader");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(metadata, "metadata");
    }
}
