package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.pipeline.ContentPipeline;
import io.artstore.ingester.core.port.in.AddFileCommand;
import io.artstore.ingester.core.port.in.AddFileUseCase;
import io.artstore.ingester.core.port.in.AddedFile;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.port.out.StorageElement;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** Adds a file: choose and reserve → stream to the element → catalogue → event → release. */
public final class AddFileService implements AddFileUseCase {

    /** How long a temporary file is kept when the request does not say. */
    public static final int DEFAULT_TTL_DAYS = 30;

    private final StorageElementSelector selector;
    private final FileCatalog catalog;
    private final EventPublisher events;
    private final Map<CompressionAlgorithm, Codec> codecs;
    private final Clock clock;
    private final long maxFileBytes;

    public AddFileService(StorageElementSelector selector, FileCatalog catalog, EventPublisher events,
            Map<CompressionAlgorithm, Codec> codecs, Clock clock, long maxFileBytes) {
        this.selector = Objects.requireNonNull(selector, "selector");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.events = Objects.requireNonNull(events, "events");
        this.codecs = Map.copyOf(codecs);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxFileBytes = maxFileBytes;
    }

    @Override
    public AddedFile add(AddFileCommand command, InputStream content) {
        Optional<Codec> codec = command.compression().map(this::codec);
        if (command.declaredSize().isPresent() && command.declaredSize().getAsLong() > maxFileBytes) {
            throw tooLarge();
        }
        Instant now = clock.instant();
        RetentionPolicy retention = RetentionPolicy.of(command.targetMode());
        Optional<Instant> ttlExpiresAt = retention == RetentionPolicy.TEMPORARY
                ? Optional.of(now.plus(Duration.ofDays(command.ttlDays().orElse(DEFAULT_TTL_DAYS))))
                : Optional.empty();
        try (Placement placement = selector.place(command.targetMode(), command.elementId(), storedSizeBound(command, codec))) {
            StorageElement element = placement.element();
            ContentPipeline pipeline = ContentPipeline.of(content, codec,
                    new ContentPipeline.Limits(maxFileBytes, command.declaredSize(), command.expectedChecksum()), placement);
            FileId fileId = FileId.random();
            StoreRequest request = new StoreRequest(fileId, command.originalFilename(), command.contentType(),
                    command.uploader(), command.description(), command.version(), now,
                    () -> metadata(command, pipeline.result(), retention, ttlExpiresAt));
            FileAttributes attributes = element.store(request, pipeline.stored());
            StoredContent stored = pipeline.result();
            CatalogEntry entry = new CatalogEntry(element.id(), placement.descriptor().mode(), attributes);
            try {
                if (!attributes.checksum().equals(stored.storedChecksum()) || attributes.fileSize() != stored.storedSize()) {
                    throw new IngestException(Kind.INTERNAL, "storage_checksum_mismatch", "storage element " + element.id()
                            + " stored " + attributes.fileSize() + " bytes with SHA-256 " + attributes.checksum()
                            + " but " + stored.storedSize() + " bytes with SHA-256 " + stored.storedChecksum() + " were sent");
                }
                catalog.put(entry);
                events.publish(new FileEvent(FileEvent.Type.FILE_ADDED, fileId, element.id(), entry.mode(),
                        attributes.fileSize(), attributes.checksum(), now));
            } catch (RuntimeException failure) {
                undo(entry, element, failure);
                throw failure;
            }
            return new AddedFile(entry, placement.descriptor(), stored, retention, ttlExpiresAt);
        }
    }

    private void undo(CatalogEntry entry, StorageElement element, RuntimeException failure) {
        try {
            catalog.remove(entry.fileId());
            element.delete(entry.fileId());
        } catch (RuntimeException undoFailure) {
            failure.addSuppressed(undoFailure);
        }
    }

    private Codec codec(CompressionAlgorithm algorithm) {
        Codec codec = codecs.get(algorithm);
        if (codec == null) {
            throw IngestException.invalid("unsupported_compression",
                    "compression_algorithm '" + algorithm.wireName() + "' is not available; use one of " + codecs.keySet());
        }
        return codec;
    }

    /** Compressed output can exceed its input by a little on incompressible data; reserve for that too. */
    private static OptionalLong storedSizeBound(AddFileCommand command, Optional<Codec> codec) {
        OptionalLong size = command.expectedSize();
        if (size.isEmpty() || codec.isEmpty()) {
            return size;
        }
        long bytes = size.getAsLong();
        return OptionalLong.of(bytes + bytes / 256 + 1024);
    }

    private IngestException tooLarge() {
        return new IngestException(Kind.TOO_LARGE, "file_too_large",
                "the file is larger than the maximum of " + maxFileBytes + " bytes");
    }

    private static Map<String, Object> metadata(AddFileCommand command, StoredContent stored,
            RetentionPolicy retention, Optional<Instant> ttlExpiresAt) {
        Map<String, Object> ingester = new LinkedHashMap<>(stored.toMetadata());
        ingester.put("retention_policy", retention.wireName());
        ttlExpiresAt.ifPresent(at -> ingester.put("ttl_expires_at", at.toString()));
        Map<String, Object> metadata = new LinkedHashMap<>(command.metadata());
        metadata.put(StoredContent.METADATA_KEY, ingester);
        return metadata;
    }
}
