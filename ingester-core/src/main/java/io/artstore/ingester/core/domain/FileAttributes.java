package io.artstore.ingester.core.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored file's attributes: the fields of ArtStore's {@code *.attr.json}, in its order. Anything the
 * ingester adds (compression, original size and checksum, signature) lives inside {@link #metadata()}
 * so that an ArtStore storage element can still read the file.
 *
 * @param fileSize size of the stored bytes (after compression, if any)
 * @param checksum SHA-256 of the stored bytes
 * @param storagePath the {@code YYYY/MM/DD/HH/} folder, with its trailing slash
 * @param metadata JSON-like values only: strings, numbers, booleans, lists and maps of them
 */
public record FileAttributes(
        FileId fileId,
        String originalFilename,
        String storageFilename,
        long fileSize,
        String contentType,
        Instant createdAt,
        Instant updatedAt,
        String createdById,
        String createdByUsername,
        Optional<String> createdByFullname,
        Optional<String> description,
        Optional<String> version,
        String storagePath,
        Sha256 checksum,
        Map<String, Object> metadata) {

    public FileAttributes {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(originalFilename, "originalFilename");
        Objects.requireNonNull(storageFilename, "storageFilename");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(createdById, "createdById");
        Objects.requireNonNull(createdByUsername, "createdByUsername");
        Objects.requireNonNull(createdByFullname, "createdByFullname");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(storagePath, "storagePath");
        Objects.requireNonNull(checksum, "checksum");
        if (fileSize <= 0) {
            throw new IllegalArgumentException("file_size must be > 0, got " + fileSize);
        }
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
    }

    /** The ingester's own view of the metadata it wrote; absent keys mean an uncompressed, unsigned file. */
    public StoredContent content() {
        return StoredContent.fromMetadata(this);
    }
}
