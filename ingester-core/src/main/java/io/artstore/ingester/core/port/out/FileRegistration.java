package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored file as ArtStore's registry lists it.
 *
 * @param storageFilename the name the storage element gave the file
 * @param storagePath the element's folder of the file, as it reports it
 * @param originalSize the size before compression
 * @param originalChecksum SHA-256 of the bytes before compression, which is what a download gives back
 * @param compression the compression actually applied to the stored bytes
 * @param ttl when and after how many days a temporary file expires; empty for a permanent one
 * @param uploadedBy the uploader's {@code sub}, or {@code anonymous} without authentication
 * @param userMetadata the client's own metadata, without anything the ingester adds
 */
public record FileRegistration(
        FileId fileId,
        String originalFilename,
        String storageFilename,
        long originalSize,
        Sha256 originalChecksum,
        String contentType,
        Optional<String> description,
        RetentionPolicy retention,
        Optional<Ttl> ttl,
        StorageElementId elementId,
        String storagePath,
        Optional<CompressionAlgorithm> compression,
        String uploadedBy,
        Optional<String> uploadSourceIp,
        Map<String, Object> userMetadata) {

    public FileRegistration {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(originalFilename, "originalFilename");
        Objects.requireNonNull(storageFilename, "storageFilename");
        Objects.requireNonNull(originalChecksum, "originalChecksum");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(elementId, "elementId");
        Objects.requireNonNull(storagePath, "storagePath");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(uploadedBy, "uploadedBy");
        Objects.requireNonNull(uploadSourceIp, "uploadSourceIp");
        if (ttl.isPresent() != (retention == RetentionPolicy.TEMPORARY)) {
            throw new IllegalArgumentException("a temporary file has a TTL and a permanent one none; got " + retention
                    + " with " + ttl);
        }
        userMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(userMetadata, "userMetadata")));
    }

    /** When a temporary file expires. */
    public record Ttl(Instant expiresAt, int days) {
        public Ttl {
            Objects.requireNonNull(expiresAt, "expiresAt");
            if (days < 1) {
                throw new IllegalArgumentException("ttl days must be positive, got " + days);
            }
        }
    }
}
