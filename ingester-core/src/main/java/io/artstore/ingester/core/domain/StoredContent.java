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
 *
 * @param compression the compression applied to the stored bytes
 * @param requestedCompression the compression the upload asked for; when it is not the one applied, the data
 *     did not compress ({@link #SKIPPED_INCOMPRESSIBLE}) and was stored as it is
 */
public record StoredContent(
        long originalSize,
        Sha256 originalChecksum,
        long storedSize,
        Sha256 storedChecksum,
        Optional<CompressionAlgorithm> compression,
        Optional<CompressionAlgorithm> requestedCompression) {

    /** The key under which the ingester's fields live inside {@code attr.json} metadata. */
    public static final String METADATA_KEY = "ingester";

    /** The reason given when compression was asked for and skipped: the first block did not shrink enough. */
    public static final String SKIPPED_INCOMPRESSIBLE = "incompressible";

    public StoredContent {
        Objects.requireNonNull(originalChecksum, "originalChecksum");
        Objects.requireNonNull(storedChecksum, "storedChecksum");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(requestedCompression, "requestedCompression");
        if (originalSize <= 0 || storedSize <= 0) {
            throw new IllegalArgumentException("sizes must be > 0");
        }
        if (compression.isPresent() && !compression.equals(requestedCompression)) {
            throw new IllegalArgumentException("compressed with " + compression.get() + " but " + requestedCompression
                    + " was requested");
        }
    }

    /** Stored with the compression that was asked for (or none asked, none applied). */
    public StoredContent(long originalSize, Sha256 originalChecksum, long storedSize, Sha256 storedChecksum,
            Optional<CompressionAlgorithm> compression) {
        this(originalSize, originalChecksum, storedSize, storedChecksum, compression, compression);
    }

    public boolean compressed() {
        return compression.isPresent();
    }

    /** Why the requested compression was not applied, when it was not. */
    public Optional<String> compressionSkipped() {
        return requestedCompression.isPresent() && compression.isEmpty()
                ? Optional.of(SKIPPED_INCOMPRESSIBLE)
                : Optional.empty();
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
        compressionSkipped().ifPresent(reason -> {
            fields.put("compression_requested", requestedCompression.orElseThrow().wireName());
            fields.put("compression_skipped", reason);
        });
        return fields;
    }

    /** Reads the fields back; a file written by another ArtStore component is taken as stored verbatim. */
    static StoredContent fromMetadata(FileAttributes attributes) {
        Object section = attributes.metadata().get(METADATA_KEY);
        if (section instanceof Map<?, ?> fields) {
            Object size = fields.get("original_size");
            Object checksum = fields.get("original_checksum");
            Optional<CompressionAlgorithm> applied = algorithm(fields.get("compression_algorithm"));
            if (size instanceof Number number && checksum instanceof String hex) {
                return new StoredContent(
                        number.longValue(),
                        Sha256.parse(hex),
                        attributes.fileSize(),
                        attributes.checksum(),
                        applied,
                        applied.isPresent() ? applied : algorithm(fields.get("compression_requested")));
            }
        }
        return new StoredContent(attributes.fileSize(), attributes.checksum(), attributes.fileSize(),
                attributes.checksum(), Optional.empty());
    }

    private static Optional<CompressionAlgorithm> algorithm(Object name) {
        return name instanceof String text
                ? Optional.of(CompressionAlgorithm.parse(text.toLowerCase(Locale.ROOT)))
                : Optional.empty();
    }
}
