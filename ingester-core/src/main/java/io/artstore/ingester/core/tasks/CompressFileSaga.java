package io.artstore.ingester.core.tasks;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.pipeline.ContentPipeline;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.ContentEncryption;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.FileEventAttributes;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.saga.RetryPolicy;
import io.artstore.ingester.core.saga.SagaDataFormat;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.StepAttempt;
import io.artstore.ingester.core.saga.StepInterceptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Compressing a stored file after its upload, as a saga that replaces the file's bytes where they are and never
 * leaves it without one complete version:
 *
 * <pre>
 * lock-file                → unlock            (a delete or transfer of the file waits: 409 file_locked)
 * stage-compressed         → discard the copy  (reads the original back, compresses it, stages it beside the file)
 * switch-to-compressed     PIVOT: the element serves the compressed copy and its attributes; the original stays
 *                          beside it as {@code .replaced}
 * record-in-catalogue      retriable: the entry gets the new attributes
 * delete-original          retriable: the {@code .replaced} bytes go
 * publish-file-compressed  retriable: exactly one FILE_COMPRESSED event
 * unlock-file              retriable
 * </pre>
 *
 * <p>Before the pivot the stored file is untouched and the staged copy is discarded on the way back; from the pivot
 * on every step only goes forward and is idempotent, so recovery finishes a saga a crash interrupted. The staged
 * copy's metadata is the file's own with the compression fields of {@link StoredContent} (the original size and
 * checksum stay, so a download still yields and checks the original bytes). Data that does not compress is staged as
 * it is and recorded as {@code incompressible}, as an upload compressing on the fly records it.
 */
public final class CompressFileSaga {

    public static final String TYPE = "compress-file";
    public static final String LOCK_FILE = "lock-file";
    public static final String STAGE_COMPRESSED = "stage-compressed";
    public static final String SWITCH_TO_COMPRESSED = "switch-to-compressed";
    public static final String RECORD_IN_CATALOGUE = "record-in-catalogue";
    public static final String DELETE_ORIGINAL = "delete-original";
    public static final String PUBLISH_FILE_COMPRESSED = "publish-file-compressed";
    public static final String UNLOCK_FILE = "unlock-file";

    /**
     * @param replacement size and SHA-256 of the staged copy's bytes, once staged
     */
    public record Data(FileId fileId, StorageElementId elementId, Mode mode, CompressionAlgorithm algorithm,
            Optional<Replacement> replacement) {
        public Data {
            Objects.requireNonNull(fileId, "fileId");
            Objects.requireNonNull(elementId, "elementId");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(replacement, "replacement");
        }

        public static Data start(CatalogEntry entry, CompressionAlgorithm algorithm) {
            return new Data(entry.fileId(), entry.elementId(), entry.mode(), algorithm, Optional.empty());
        }

        Data staged(long size, Sha256 checksum) {
            return new Data(fileId, elementId, mode, algorithm, Optional.of(new Replacement(size, checksum)));
        }
    }

    /** The staged copy's bytes. */
    public record Replacement(long size, Sha256 checksum) {
        public Replacement {
            Objects.requireNonNull(checksum, "checksum");
        }
    }

    static final SagaDataFormat<Data> FORMAT = new SagaDataFormat<>() {
        @Override
        public Map<String, String> write(Data data) {
            Map<String, String> fields = new HashMap<>();
            fields.put("file_id", data.fileId().toString());
            fields.put("element_id", data.elementId().value());
            fields.put("mode", data.mode().wireName());
            fields.put("algorithm", data.algorithm().wireName());
            data.replacement().ifPresent(replacement -> {
                fields.put("replacement_size", Long.toString(replacement.size()));
                fields.put("replacement_checksum", replacement.checksum().hex());
            });
            return fields;
        }

        @Override
        public Data read(Map<String, String> fields) {
            Optional<Replacement> replacement = Optional.ofNullable(fields.get("replacement_size"))
                    .map(size -> new Replacement(Long.parseLong(size), Sha256.parse(fields.get("replacement_checksum"))));
            return new Data(FileId.parse(fields.get("file_id")), StorageElementId.of(fields.get("element_id")),
                    Mode.parse(fields.get("mode")), CompressionAlgorithm.parse(fields.get("algorithm")), replacement);
        }
    };

    private final StorageElements elements;
    private final FileCatalog catalog;
    private final EventPublisher events;
    private final Locks locks;
    private final Map<CompressionAlgorithm, Codec> codecs;
    private final Optional<ContentEncryption> encryption;
    private final OriginalReader originals;
    private final Clock clock;
    private final Optional<StepInterceptor<Data>> interceptor;

    /** @param encryption how new stored bytes are encrypted, when they are: the copy gets a fresh data key */
    public CompressFileSaga(StorageElements elements, FileCatalog catalog, EventPublisher events, Locks locks,
            Map<CompressionAlgorithm, Codec> codecs, Optional<ContentEncryption> encryption, OriginalReader originals,
            Clock clock) {
        this(elements, catalog, events, locks, codecs, encryption, originals, clock, Optional.empty());
    }

    private CompressFileSaga(StorageElements elements, FileCatalog catalog, EventPublisher events, Locks locks,
            Map<CompressionAlgorithm, Codec> codecs, Optional<ContentEncryption> encryption, OriginalReader originals,
            Clock clock, Optional<StepInterceptor<Data>> interceptor) {
        this.elements = Objects.requireNonNull(elements, "elements");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.events = Objects.requireNonNull(events, "events");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.codecs = Map.copyOf(codecs);
        this.encryption = Objects.requireNonNull(encryption, "encryption");
        this.originals = Objects.requireNonNull(originals, "originals");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.interceptor = interceptor;
    }

    /** The same saga with every step run through {@code around}, for tracing or fault injection. */
    public CompressFileSaga intercepted(StepInterceptor<Data> around) {
        return new CompressFileSaga(elements, catalog, events, locks, codecs, encryption, originals, clock, Optional.of(around));
    }

    /** The lock owner of one saga: stable, so that a re-run step gets its own lock back. */
    public static String lockOwner(SagaId sagaId) {
        return "compress-saga-" + sagaId;
    }

    public SagaDefinition<Data> definition() {
        SagaDefinition<Data> definition = SagaDefinition.named(TYPE, FORMAT)
                .step(LOCK_FILE).invoke(this::lock).withCompensation(this::unlock)
                .step(STAGE_COMPRESSED).invoke((data, attempt) -> stage(data))
                        .withCompensation((data, attempt) -> discard(data))
                .step(SWITCH_TO_COMPRESSED).invoke((data, attempt) -> switchOver(data)).pivot()
                .step(RECORD_IN_CATALOGUE).invoke((data, attempt) -> record(data)).retriableIdempotent()
                .step(DELETE_ORIGINAL).invoke((data, attempt) -> deleteOriginal(data)).retriableIdempotent()
                .step(PUBLISH_FILE_COMPRESSED).invoke(this::publish).retriable()
                .step(UNLOCK_FILE).invoke(this::unlock).retriableIdempotent()
                .timeout(Duration.ofHours(1))
                .retryPolicy(RetryPolicy.DEFAULT)
                .build();
        return interceptor.map(definition::intercepted).orElse(definition);
    }

    // --- Steps ---

    private Data lock(Data data, StepAttempt attempt) {
        locks.lockOrRefuse(data.fileId(), Locks.Operation.REWRITE, lockOwner(attempt.sagaId()),
                "compress it once that has finished");
        return data;
    }

    private Data unlock(Data data, StepAttempt attempt) {
        locks.releaseIfHeldBy(data.fileId(), lockOwner(attempt.sagaId()));
        return data;
    }

    /** Under the lock: the file is where the saga began, as the catalogue has it, and not compressed yet. */
    private Data stage(Data data) {
        CatalogEntry entry = catalog.find(data.fileId()).filter(found -> found.elementId().equals(data.elementId()))
                .orElseThrow(() -> IngestException.conflict("file_moved", "file " + data.fileId()
                        + " is no longer on storage element " + data.elementId() + "; it was deleted or moved"));
        FileAttributes attributes = entry.attributes();
        StoredContent before = attributes.content();
        if (before.requestedCompression().isPresent()) {
            throw IngestException.conflict("already_compressed", "file " + data.fileId() + " was compressed already");
        }
        Codec codec = Optional.ofNullable(codecs.get(data.algorithm())).orElseThrow(() -> IngestException.invalid(
                "unsupported_compression", "compression_algorithm '" + data.algorithm().wireName() + "' is not available here"));
        StorageElement element = element(data);
        Optional<ContentEncryption.FileEncryption> fileKey = encryption.map(ContentEncryption::begin);
        // A copy an earlier attempt left half-made or made goes first: this attempt stages its own.
        element.discardStaged(data.fileId());
        try (InputStream original = originals.open(element, attributes)) {
            ContentPipeline pipeline = ContentPipeline.of(original, Optional.of(codec), fileKey,
                    new ContentPipeline.Limits(Long.MAX_VALUE, OptionalLong.of(before.originalSize()),
                            Optional.of(before.originalChecksum())), total -> { });
            StoreRequest request = new StoreRequest(data.fileId(), attributes.originalFilename(), attributes.contentType(),
                    new Uploader(attributes.createdById(), attributes.createdByUsername(), attributes.createdByFullname()),
                    attributes.description(), attributes.version(), attributes.createdAt(),
                    () -> metadata(attributes, pipeline.result(), fileKey));
            FileAttributes staged = element.stageReplacement(request, pipeline.stored());
            StoredContent result = pipeline.result();
            if (!staged.checksum().equals(result.storedChecksum()) || staged.fileSize() != result.storedSize()) {
                throw new IngestException(Kind.INTERNAL, "storage_checksum_mismatch", "storage element " + data.elementId()
                        + " staged " + staged.fileSize() + " bytes with SHA-256 " + staged.checksum() + " but "
                        + result.storedSize() + " bytes with SHA-256 " + result.storedChecksum() + " were sent");
            }
            return data.staged(staged.fileSize(), staged.checksum());
        } catch (IOException e) {
            throw new UncheckedIOException("reading file " + data.fileId() + " to compress it failed", e);
        }
    }

    /** The file's metadata with the new compression fields, and the new copy's encryption if it has one. */
    private static Map<String, Object> metadata(FileAttributes attributes, StoredContent result,
            Optional<ContentEncryption.FileEncryption> fileKey) {
        Map<String, Object> metadata = new LinkedHashMap<>(attributes.metadata());
        Map<String, Object> ingester = new LinkedHashMap<>();
        if (metadata.get(StoredContent.METADATA_KEY) instanceof Map<?, ?> section) {
            section.forEach((key, value) -> ingester.put(String.valueOf(key), value));
        }
        for (String key : new String[] {"original_size", "original_checksum", "compressed", "compression_algorithm",
                "compression_requested", "compression_skipped", ContentEncryption.METADATA_KEY}) {
            ingester.remove(key);
        }
        ingester.putAll(result.toMetadata());
        fileKey.ifPresent(file -> ingester.put(ContentEncryption.METADATA_KEY, file.metadata()));
        metadata.put(StoredContent.METADATA_KEY, ingester);
        return metadata;
    }

    private Data discard(Data data) {
        element(data).discardStaged(data.fileId());
        return data;
    }

    private Data switchOver(Data data) {
        Replacement replacement = data.replacement().orElseThrow(() -> broken(data, "no staged copy"));
        element(data).replaceWithStaged(data.fileId(), replacement.checksum());
        return data;
    }

    /** The element's attributes of the switched file are the new ones, with every field the staging wrote. */
    private Data record(Data data) {
        Replacement replacement = data.replacement().orElseThrow(() -> broken(data, "no staged copy"));
        FileAttributes now = element(data).stat(data.fileId()).filter(found -> found.checksum().equals(replacement.checksum()))
                .orElseThrow(() -> new IngestException(Kind.INTERNAL, "replacement_missing", "file " + data.fileId()
                        + " was switched to its compressed copy on storage element " + data.elementId()
                        + " but the element does not serve it"));
        catalog.put(new CatalogEntry(data.elementId(), data.mode(), now));
        return data;
    }

    private Data deleteOriginal(Data data) {
        element(data).deleteSidecar(data.fileId(), StorageElement.REPLACED_SUFFIX);
        return data;
    }

    private Data publish(Data data, StepAttempt attempt) {
        if (!attempt.isFirst() && events.published(data.fileId(), FileEvent.Type.FILE_COMPRESSED)) {
            return data;
        }
        Replacement replacement = data.replacement().orElseThrow(() -> broken(data, "no staged copy"));
        FileEvent compressed = new FileEvent(FileEvent.Type.FILE_COMPRESSED, data.fileId(), data.elementId(), data.mode(),
                replacement.size(), replacement.checksum(), clock.instant()).withSagaId(attempt.sagaId().toString());
        // The file as catalogued by the step before: its new compression, with the original size and checksum.
        events.publish(catalog.find(data.fileId()).map(entry -> compressed.withAttributes(
                FileEventAttributes.of(entry.attributes(), entry.mode()))).orElse(compressed));
        return data;
    }

    private StorageElement element(Data data) {
        return elements.find(data.elementId()).orElseThrow(() -> new IngestException(Kind.UNAVAILABLE,
                "storage_unavailable", "storage element " + data.elementId() + " that holds file " + data.fileId()
                        + " is not known now"));
    }

    private static IngestException broken(Data data, String missing) {
        return new IngestException(Kind.INTERNAL, "saga_data_broken", "the compress saga of file " + data.fileId()
                + " has " + missing + " in its data at a step that needs it");
    }
}
