package io.artstore.ingester.core.domain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the ingester knows of a file's bytes beyond the storage element's own fields: the original size and
 * checksum, and how the stored bytes were compressed. Written into {@code attr.json} metadata under
 * {@link #METADATA_KEY} so that it travels with the file.
 */
public record StoredContent(
        long originalSize,
        Sha256 originalChecksum,
        long storedSize,
        Sha256 storedChecksum,
        Optional<CompressionAlgorithm> compression) {

    /** The key under which the ingester's fields live inside {@code attr.json} metadata. */
    public static final String METADATA_KEY = "ingester";

    public StoredContent {
        Objects.requireNonNull(originalChecksum, "originalChecksum");
        Objects.requireNonNull(storedChecksum, "storedChecksum");
        Objects.requireNonNull(compression, "compression");
        if (originalSize <= 0 || storedSize <= 0) {
            throw new IllegalArgumentException("sizes must be > 0");
        }
    }

    public boolean compressed() {
        return compression.isPresent();
    }

    /** Stored size over original size: below 1 when compression saved space. */
    public double compressionRatio() {
        return (double) storedSize / originalSize;
    }

    public Map<String, Object> toMetadata() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("original_size", originalSize);
        fields.put("original_checksum", originalChecksum.hex());
        fields.put("compressed", compressed());
        compression.ifPresent(algorithm -> fields.put("compression_algorithm", algorithm.wireName()));
        return fields;
    }

    /** Reads the fields back; a file written by another ArtStore component is taken as stored verbatim. */
    static StoredContent fromMetadata(FileAttributes attributes) {
        Object section = attributes.metadata().get(METADATA_KEY);
        if (section instanceof Map<?, ?> fields) {
            Object size = fields.get("original_size");
            Object checksum = fields.get("original_checksum");
            Object algorithm = fields.get("compression_algorithm");
            if (size instanceof Number number && checksum instanceof String hex) {
                return new StoredContent(
                        number.longValue(),
                        Sha256.parse(hex),
                        attributes.fileSize(),
                        attributes.checksum(),
                        algorithm instanceof String name
                                ? Optional.of(CompressionAlgorithm.parse(name.toLowerCase(Locale.ROOT)))
                                : Optional.empty());
            }
        }
        return new StoredContent(attributes.fileSize(), attributes.checksum(), attributes.fileSize(),
                attributes.checksum(), Optional.empty());
    }
}
