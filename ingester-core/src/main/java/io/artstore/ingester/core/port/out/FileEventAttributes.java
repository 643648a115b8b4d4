package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StoredContent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a file event says of the file itself, beside where it is stored: what the uploader gave, who and when, how
 * the bytes were kept. Taken from the file's attributes as catalogued.
 *
 * @param metadata the uploader's own metadata; the ingester's section (compression, signature, encryption keys) is
 *     left out, its public facts have fields of their own here
 * @param compression present when the stored bytes are compressed
 * @param signatureAlgorithm present when a detached signature is kept beside the file
 * @param ttlExpiresAt when a temporary file expires, when it has a TTL
 */
public record FileEventAttributes(
        String originalFilename,
        String contentType,
        Optional<String> description,
        Optional<String> version,
        Map<String, Object> metadata,
        String createdById,
        String createdByUsername,
        Instant createdAt,
        Optional<Compression> compression,
        Optional<String> signatureAlgorithm,
        RetentionPolicy retention,
        Optional<Instant> ttlExpiresAt) {

    /** The compression of the stored bytes and what they were before it. */
    public record Compression(CompressionAlgorithm algorithm, long originalSize, Sha256 originalChecksum) {
        public Compression {
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(originalChecksum, "originalChecksum");
        }
    }

    public FileEventAttributes {
        Objects.requireNonNull(originalFilename, "originalFilename");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(createdById, "createdById");
        Objects.requireNonNull(createdByUsername, "createdByUsername");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(signatureAlgorithm, "signatureAlgorithm");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(ttlExpiresAt, "ttlExpiresAt");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
    }

    public boolean signed() {
        return signatureAlgorithm.isPresent();
    }

    /**
     * The attributes of a file held on an element of {@code mode}. Retention follows the mode (a file moved to an
     * {@code rw} element is permanent, whatever it was uploaded as), so a TTL is kept only for a temporary file.
     */
    public static FileEventAttributes of(FileAttributes attributes, Mode mode) {
        Map<String, Object> metadata = new LinkedHashMap<>(attributes.metadata());
        Object section = metadata.remove(StoredContent.METADATA_KEY);
        Map<?, ?> ingester = section instanceof Map<?, ?> fields ? fields : Map.of();
        StoredContent content = attributes.content();
        Optional<Compression> compression = content.compression()
                .map(algorithm -> new Compression(algorithm, content.originalSize(), content.originalChecksum()));
        Optional<String> signature = ingester.get("signature") instanceof Map<?, ?> fields
                ? Optional.of(fields.get("algorithm") instanceof String name ? name : "unknown")
                : Optional.empty();
        RetentionPolicy retention = RetentionPolicy.of(mode);
        Optional<Instant> ttl = retention == RetentionPolicy.TEMPORARY ? instant(ingester.get("ttl_expires_at")) : Optional.empty();
        return new FileEventAttributes(attributes.originalFilename(), attributes.contentType(), attributes.description(),
                attributes.version(), metadata, attributes.createdById(), attributes.createdByUsername(),
                attributes.createdAt(), compression, signature, retention, ttl);
    }

    /**
     * The fields as events carry them (documented in {@code docs/events.md}), JSON-like values only: every field
     * present, {@code null} where there is no value. One shape for the outbox, the event log, the broker and saga data.
     */
    public Map<String, Object> toFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("original_filename", originalFilename);
        fields.put("content_type", contentType);
        fields.put("description", description.orElse(null));
        fields.put("version", version.orElse(null));
        fields.put("metadata", metadata);
        Map<String, Object> createdBy = new LinkedHashMap<>();
        createdBy.put("subject", createdById);
        createdBy.put("username", createdByUsername);
        fields.put("created_by", createdBy);
        fields.put("created_at", createdAt.toString());
        fields.put("compressed", compression.isPresent());
        fields.put("compression_algorithm", compression.map(c -> c.algorithm().wireName()).orElse(null));
        fields.put("original_size", compression.map(Compression::originalSize).orElse(null));
        fields.put("original_checksum", compression.map(c -> c.originalChecksum().hex()).orElse(null));
        fields.put("signed", signed());
        fields.put("signature_algorithm", signatureAlgorithm.orElse(null));
        fields.put("retention_policy", retention.wireName());
        fields.put("ttl_expires_at", ttlExpiresAt.map(Instant::toString).orElse(null));
        return fields;
    }

    /**
     * Reads what {@link #toFields} wrote.
     *
     * @throws IllegalArgumentException when a required field is missing or malformed
     */
    public static FileEventAttributes fromFields(Map<?, ?> fields) {
        Object createdBy = fields.get("created_by");
        Map<?, ?> by = createdBy instanceof Map<?, ?> map ? map : Map.of();
        Optional<Compression> compression = text(fields, "compression_algorithm").map(name -> new Compression(
                CompressionAlgorithm.parse(name),
                fields.get("original_size") instanceof Number size ? size.longValue() : 0,
                Sha256.parse(required(fields, "original_checksum"))));
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (fields.get("metadata") instanceof Map<?, ?> values) {
            values.forEach((key, value) -> metadata.put(String.valueOf(key), value));
        }
        try {
            return new FileEventAttributes(required(fields, "original_filename"), required(fields, "content_type"),
                    text(fields, "description"), text(fields, "version"), metadata, required(by, "subject"),
                    required(by, "username"), Instant.parse(required(fields, "created_at")), compression,
                    text(fields, "signature_algorithm"), RetentionPolicy.parse(required(fields, "retention_policy")),
                    text(fields, "ttl_expires_at").map(Instant::parse));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a file's attributes with a malformed time: " + e.getMessage(), e);
        }
    }

    private static String required(Map<?, ?> fields, String name) {
        return text(fields, name).orElseThrow(() -> new IllegalArgumentException("a file's attributes without " + name));
    }

    private static Optional<String> text(Map<?, ?> fields, String name) {
        return fields.get(name) instanceof String value ? Optional.of(value) : Optional.empty();
    }

    private static Optional<Instant> instant(Object text) {
        if (text instanceof String value) {
            try {
                return Optional.of(Instant.parse(value));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
