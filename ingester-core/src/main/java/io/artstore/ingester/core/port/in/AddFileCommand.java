package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.StorageFileName;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.domain.Uploader;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A request to add one file, validated on construction.
 *
 * @param ttlDays how long a temporary ({@code edit}) file is kept; refused for a permanent ({@code rw}) one
 * @param declaredSize the file's exact size when it is known before its bytes are stored: declared by the client,
 *     or measured from a spooled copy
 * @param sizeHint an upper bound of the file's size when no size was declared (e.g. the request length)
 * @param sign whether to sign the original content and keep the signature beside the stored file
 * @param sourceAddress the client's IP address, for the file registry
 * @param deferred compression and signing to be done by background tasks once the file is stored
 */
public record AddFileCommand(
        Mode targetMode,
        Optional<StorageElementId> elementId,
        String originalFilename,
        String contentType,
        Uploader uploader,
        Optional<String> description,
        Optional<String> version,
        Map<String, Object> metadata,
        OptionalInt ttlDays,
        Optional<CompressionAlgorithm> compression,
        OptionalLong declaredSize,
        Optional<Sha256> expectedChecksum,
        OptionalLong sizeHint,
        boolean sign,
        Optional<String> sourceAddress,
        DeferredWork deferred) {

    public static final int MAX_TTL_DAYS = 365;

    public AddFileCommand {
        Objects.requireNonNull(targetMode, "targetMode");
        Objects.requireNonNull(elementId, "elementId");
        Objects.requireNonNull(originalFilename, "originalFilename");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(uploader, "uploader");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(ttlDays, "ttlDays");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(declaredSize, "declaredSize");
        Objects.requireNonNull(expectedChecksum, "expectedChecksum");
        Objects.requireNonNull(sizeHint, "sizeHint");
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        Objects.requireNonNull(deferred, "deferred");
        StorageFileName.checkOriginal(originalFilename);
        if (!targetMode.allowsAdd()) {
            throw IngestException.invalid("invalid_target_mode",
                    "target_mode must be 'edit' or 'rw'; files cannot be added to '" + targetMode.wireName() + "' storage elements");
        }
        if (ttlDays.isPresent() && (ttlDays.getAsInt() < 1 || ttlDays.getAsInt() > MAX_TTL_DAYS)) {
            throw IngestException.invalid("invalid_ttl_days", "ttl_days must be between 1 and " + MAX_TTL_DAYS + ", got " + ttlDays.getAsInt());
        }
        if (targetMode == Mode.RW && ttlDays.isPresent()) {
            // Permanent files have no TTL (ArtStore's registry keeps ttl_days null for them): refuse rather than drop it.
            throw IngestException.invalid("conflicting_ttl_days", "ttl_days " + ttlDays.getAsInt()
                    + " was sent for a permanent (rw) upload, but only temporary (edit) files expire; send ttl_days only with target_mode edit");
        }
        if (declaredSize.isPresent() && declaredSize.getAsLong() <= 0) {
            throw IngestException.invalid("invalid_file_size", "file_size must be a positive number of bytes, got " + declaredSize.getAsLong());
        }
        if (metadata.containsKey(StoredContent.METADATA_KEY)) {
            throw IngestException.invalid("invalid_metadata",
                    "metadata key '" + StoredContent.METADATA_KEY + "' is reserved for the ingester; choose another key");
        }
        if (deferred.compression().isPresent() && !targetMode.allowsDelete()) {
            // Compressing later replaces the stored bytes, and only 'edit' elements let a stored file go.
            throw IngestException.invalid("async_compression_not_allowed", "compress=async rewrites the stored file"
                    + " later, which only 'edit' storage elements allow; files for '" + targetMode.wireName()
                    + "' are written once: send compress=true to compress while uploading");
        }
        if (deferred.compression().isPresent() && compression.isPresent() || deferred.sign() && sign) {
            throw IngestException.invalid("conflicting_async", "a file is compressed (or signed) either while uploading"
                    + " or afterwards (async), not both");
        }
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        description = description.filter(text -> !text.isBlank());
        version = version.filter(text -> !text.isBlank());
    }

    /** A request with nothing left for background tasks. */
    public AddFileCommand(Mode targetMode, Optional<StorageElementId> elementId, String originalFilename, String contentType,
            Uploader uploader, Optional<String> description, Optional<String> version, Map<String, Object> metadata,
            OptionalInt ttlDays, Optional<CompressionAlgorithm> compression, OptionalLong declaredSize,
            Optional<Sha256> expectedChecksum, OptionalLong sizeHint, boolean sign, Optional<String> sourceAddress) {
        this(targetMode, elementId, originalFilename, contentType, uploader, description, version, metadata, ttlDays,
                compression, declaredSize, expectedChecksum, sizeHint, sign, sourceAddress, DeferredWork.NONE);
    }

    /** A request whose client address is not known. */
    public AddFileCommand(Mode targetMode, Optional<StorageElementId> elementId, String originalFilename, String contentType,
            Uploader uploader, Optional<String> description, Optional<String> version, Map<String, Object> metadata,
            OptionalInt ttlDays, Optional<CompressionAlgorithm> compression, OptionalLong declaredSize,
            Optional<Sha256> expectedChecksum, OptionalLong sizeHint, boolean sign) {
        this(targetMode, elementId, originalFilename, contentType, uploader, description, version, metadata, ttlDays,
                compression, declaredSize, expectedChecksum, sizeHint, sign, Optional.empty());
    }

    /** The same request, sent from {@code address}. */
    public AddFileCommand fromAddress(String address) {
        return new AddFileCommand(targetMode, elementId, originalFilename, contentType, uploader, description, version,
                metadata, ttlDays, compression, declaredSize, expectedChecksum, sizeHint, sign,
                Optional.of(address).filter(text -> !text.isBlank()), deferred);
    }

    /** The same request, with {@code work} left to background tasks. */
    public AddFileCommand withDeferred(DeferredWork work) {
        return new AddFileCommand(targetMode, elementId, originalFilename, contentType, uploader, description, version,
                metadata, ttlDays, compression, declaredSize, expectedChecksum, sizeHint, sign, sourceAddress, work);
    }

    /** The best size known before the bytes arrive: declared, else the hint. */
    public OptionalLong expectedSize() {
        return declaredSize.isPresent() ? declaredSize : sizeHint;
    }
}
