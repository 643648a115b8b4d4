package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.DeletionReason;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.FileEventAttributes;
import io.artstore.ingester.core.port.out.FileRegistration;
import io.artstore.ingester.core.port.out.FileRegistry;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.saga.FailureClassifier;
import io.artstore.ingester.core.saga.JsonText;
import io.artstore.ingester.core.saga.RetryPolicy;
import io.artstore.ingester.core.saga.SagaDataFormat;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.StepAttempt;
import io.artstore.ingester.core.saga.StepFailure;
import io.artstore.ingester.core.saga.StepInterceptor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Adding a file as a saga. The file id is chosen before the saga starts and kept in its data, so that
 * recovery can find, and if need be discard, whatever reached the storage element.
 *
 * <pre>
 * reserve-space        → release the reservation
 * stage-content        → discard the staged copy      (streams the upload; signs the original bytes)
 * register-file        → soft-delete the registry entry (both through the registry's durable outbox)
 * publish-stored       PIVOT: the staged copy becomes the stored file
 * write-signature      retriable: {@code <storage_filename>.sig}, when asked for
 * record-in-catalogue  retriable
 * publish-file-added   retriable: exactly one FILE_ADDED event
 * release-space        retriable
 * </pre>
 *
 * <p>The starts of the steps after the pivot are not forced on their own (they are idempotent whatever their
 * attempt, see {@link io.artstore.ingester.core.saga.StepDefinition}; publish-file-added asks the publisher whether
 * the event went out on every attempt): the saga's end, forced before the client is answered, covers them. Without a
 * registry, register-file does nothing and its start is covered by the pivot's, forced before the file is published.
 * Neither is reserve-space's start forced: recovery, without the request, releases nothing (the reservation lives in
 * memory, or expires in a shared store), so its start is covered by stage-content's, forced before the element is
 * written to.
 *
 * <p>The pivot is making the file visible, not the event: files on {@code rw} elements cannot be deleted,
 * so a stored file is the point of no return whatever follows. Until then the copy is staged, invisible
 * and discardable on every mode. Every step after the pivot is idempotent, so recovery may repeat it; the
 * event is published only if the publisher has not got it yet. As no event goes out before the pivot, no
 * add ever needs a {@code FILE_ADD_RETRACTED}.
 *
 * <p>The file is registered before it is published, so that an add undone later also withdraws its registry
 * entry; the registry delivers the two in order. Without a registry the step does nothing.
 *
 * <p>The steps that need the request (the reservation, held in memory, and the client's stream) get it
 * from the {@link Upload} of {@link #definitionFor}; the {@link #definition() recovery definition} has
 * none, so such a step re-run by recovery fails permanently and the saga is compensated.
 *
 * <p>The steps above are layout version 3 ({@link #VERSION}), whose data carries the file as staged, with its
 * metadata, so that a saga finished by recovery catalogues the file as completely as the upload would have (a remote
 * SE reports no metadata). Version 2 has the same steps without that in its data: recovery catalogues its file as
 * the element reports it. Version 1, without {@code register-file} (its pivot is step 2), is what earlier releases
 * logged. {@link #earlierDefinitions()} keeps both, so that recovery finishes their sagas as they were logged.
 */
public final class AddFileSaga {

    public static final String TYPE = "add-file";
    /**
     * The layout new add sagas are logged in: 2 since {@code register-file} came in before the pivot, 3 since the
     * data carries the staged file's attributes.
     */
    public static final int VERSION = 3;
    public static final String RESERVE_SPACE = "reserve-space";
    public static final String STAGE_CONTENT = "stage-content";
    public static final String REGISTER_FILE = "register-file";
    public static final String PUBLISH_STORED = "publish-stored";
    public static final String WRITE_SIGNATURE = "write-signature";
    public static final String RECORD_IN_CATALOGUE = "record-in-catalogue";
    public static final String PUBLISH_FILE_ADDED = "publish-file-added";
    public static final String RELEASE_SPACE = "release-space";

    /**
     * @param timeout how long an add may take before its pivot; past it the saga is compensated
     */
    public record Settings(Duration timeout, RetryPolicy retryPolicy) {

        public static final Settings DEFAULT = new Settings(Duration.ofHours(1), RetryPolicy.DEFAULT);

        public Settings {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the add saga's timeout must be positive, got " + timeout);
            }
        }
    }

    /**
     * What the add saga's log keeps: enough to find and finish or undo the file without the request.
     *
     * @param element the storage element chosen, once space was reserved on it
     * @param stored size and checksum of the stored bytes, once staged
     * @param signature the detached signature, once the content was signed
     * @param attributes the file as staged, with the metadata written (client metadata, compression, retention,
     *     signature): what the catalogue records; empty before staging and in sagas logged before version 3
     */
    public record Data(FileId fileId, boolean sign, Optional<Placed> element, Optional<Stored> stored,
            Optional<DetachedSignature> signature, Optional<FileAttributes> attributes) {

        public Data {
            Objects.requireNonNull(fileId, "fileId");
            Objects.requireNonNull(element, "element");
            Objects.requireNonNull(stored, "stored");
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(attributes, "attributes");
        }

        public static Data start(FileId fileId, boolean sign) {
            return new Data(fileId, sign, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        Data placedOn(StorageElementId elementId, Mode mode) {
            return new Data(fileId, sign, Optional.of(new Placed(elementId, mode)), stored, signature, attributes);
        }

        Data storedAs(FileAttributes staged, Optional<DetachedSignature> signed) {
            return new Data(fileId, sign, element, Optional.of(new Stored(staged.fileSize(), staged.checksum())), signed,
                    Optional.of(staged));
        }
    }

    /** The storage element a file went to. */
    public record Placed(StorageElementId elementId, Mode mode) {
        public Placed {
            Objects.requireNonNull(elementId, "elementId");
            Objects.requireNonNull(mode, "mode");
        }
    }

    /** The stored bytes' size and SHA-256. */
    public record Stored(long size, Sha256 checksum) {
        public Stored {
            Objects.requireNonNull(checksum, "checksum");
        }
    }

    /** What only the request holds: its reservation and its content. */
    public interface Upload {

        /** Reserves space for the file and returns where it goes. */
        Placement reserve();

        /** Stages the content on the reserved element; called once, since the stream cannot be read twice. */
        Staged stage(Data data);

        /** Releases the reservation, if one was made; idempotent. */
        void release();

        /** What the file registry is to list for the staged file; empty when there is nothing to register. */
        default Optional<FileRegistration> registration(Data data) {
            return Optional.empty();
        }
    }

    /** What staging left: the staged attributes and, when signed, the signature. */
    public record Staged(FileAttributes attributes, Optional<DetachedSignature> signature) {
        public Staged {
            Objects.requireNonNull(attributes, "attributes");
            Objects.requireNonNull(signature, "signature");
        }
    }

    static final SagaDataFormat<Data> FORMAT = new DataFormat();

    private final StorageElements elements;
    private final FileCatalog catalog;
    private final EventPublisher events;
    private final Clock clock;
    private final Settings settings;
    private final FileRegistry registry;
    private final Optional<StepInterceptor<Data>> interceptor;

    public AddFileSaga(StorageElements elements, FileCatalog catalog, EventPublisher events, Clock clock, Settings settings) {
        this(elements, catalog, events, clock, settings, FileRegistry.none(), Optional.empty());
    }

    public AddFileSaga(StorageElements elements, FileCatalog catalog, EventPublisher events, Clock clock, Settings settings,
            FileRegistry registry) {
        this(elements, catalog, events, clock, settings, registry, Optional.empty());
    }

    private AddFileSaga(StorageElements elements, FileCatalog catalog, EventPublisher events, Clock clock, Settings settings,
            FileRegistry registry, Optional<StepInterceptor<Data>> interceptor) {
        this.elements = Objects.requireNonNull(elements, "elements");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.interceptor = interceptor;
    }

    /** The same saga with every step run through {@code around}, for tracing or fault injection. */
    public AddFileSaga intercepted(StepInterceptor<Data> around) {
        return new AddFileSaga(elements, catalog, events, clock, settings, registry, Optional.of(around));
    }

    /** The definition recovery runs: without the request, whose steps then fail permanently. */
    public SagaDefinition<Data> definition() {
        return build(VERSION, Optional.empty());
    }

    /** The definition one upload runs, its request steps served by {@code upload}. */
    public SagaDefinition<Data> definitionFor(Upload upload) {
        return build(VERSION, Optional.of(upload));
    }

    /**
     * The layouts earlier releases logged add sagas in, for recovery only (the orchestrator starts no new saga
     * with them): version 1, without {@code register-file}, and version 2, without the staged attributes in its data.
     */
    public List<SagaDefinition<Data>> earlierDefinitions() {
        return List.of(build(1, Optional.empty()), build(2, Optional.empty()));
    }

    private SagaDefinition<Data> build(int version, Optional<Upload> upload) {
        // The file as publishing it answered, with the metadata written: recorded without asking the element again
        // (a remote SE reports no metadata). Recovery, which has none, asks the element.
        AtomicReference<FileAttributes> published = new AtomicReference<>();
        SagaDefinition.Builder<Data> builder = SagaDefinition.named(TYPE, FORMAT).version(version)
                // The reservation lives in memory (or expires in a shared store): after a crash there is nothing to
                // release, so its start need not be forced before it; it rides on stage-content's.
                .step(RESERVE_SPACE).invoke((data, attempt) -> reserve(upload, data))
                        .withCompensationOfNoEffect((data, attempt) -> release(upload, data))
                .step(STAGE_CONTENT).invoke((data, attempt) -> stage(upload, data, attempt))
                        .withCompensation((data, attempt) -> discardStaged(data));
        if (version >= 2) {
            SagaDefinition.ActionBuilder<Data> register = builder.step(REGISTER_FILE).invoke((data, attempt) -> register(upload, data));
            if (registering()) {
                register.withCompensation((data, attempt) -> unregister(data));
            } else {
                // Without a registry the step does nothing: its start need not be forced before it.
                register.withCompensationOfNoEffect((data, attempt) -> unregister(data));
            }
        }
        SagaDefinition<Data> definition = builder
                .step(PUBLISH_STORED).invoke((data, attempt) -> version >= 2 ? publishStored(data, published) : publishUnregistered(data, attempt, published))
                        .pivot()
                .step(WRITE_SIGNATURE).invoke((data, attempt) -> writeSignature(data)).retriableIdempotent()
                .step(RECORD_IN_CATALOGUE).invoke((data, attempt) -> recordInCatalogue(data, published)).retriableIdempotent()
                .step(PUBLISH_FILE_ADDED).invoke((data, attempt) -> publishFileAdded(data, attempt)).retriableIdempotent()
                .step(RELEASE_SPACE).invoke((data, attempt) -> release(upload, data)).retriableIdempotent()
                .timeout(settings.timeout())
                .retryPolicy(settings.retryPolicy())
                .classifyFailuresWith(CLASSIFIER)
                .build();
        return interceptor.map(definition::intercepted).orElse(definition);
    }

    // --- Steps ---

    private Data reserve(Optional<Upload> upload, Data data) {
        Placement placement = upload.orElseThrow(() -> new RequestGone("the reservation")).reserve();
        return data.placedOn(placement.descriptor().id(), placement.descriptor().mode());
    }

    private Data release(Optional<Upload> upload, Data data) {
        // The reservation lives in memory: after a restart it is gone already.
        upload.ifPresent(Upload::release);
        return data;
    }

    private Data stage(Optional<Upload> upload, Data data, StepAttempt attempt) {
        Upload request = upload.orElseThrow(() -> new RequestGone("the upload's content"));
        if (!attempt.isFirst()) {
            throw new RequestGone("the upload's content, read by an earlier attempt,");
        }
        try {
            Staged staged = request.stage(data);
            return data.storedAs(staged.attributes(), staged.signature());
        } catch (RuntimeException failure) {
            throw new ContentConsumed(failure);
        }
    }

    private Data discardStaged(Data data) {
        Optional<Placed> placed = data.element();
        if (placed.isPresent()) {
            element(placed.get()).discardStaged(data.fileId());
        }
        return data;
    }

    private Data register(Optional<Upload> upload, Data data) {
        if (registering()) {
            upload.orElseThrow(() -> new RequestGone("what the file registry is to list"))
                    .registration(data).ifPresent(registry::register);
        }
        return data;
    }

    /** The registration may have gone out before the step failed: withdraw it (a no-op at the registry if not). */
    private Data unregister(Data data) {
        if (registering()) {
            registry.softDelete(data.fileId(), DeletionReason.GC_CLEANUP);
        }
        return data;
    }

    /** Without a registry the step needs nothing, so that recovery can pass it as it did before there was one. */
    private boolean registering() {
        return registry != FileRegistry.none();
    }

    private Data publishStored(Data data, AtomicReference<FileAttributes> published) {
        Placed placed = data.element().orElseThrow(() -> broken(data, "no storage element"));
        published.set(element(placed).publishStaged(data.fileId()));
        return data;
    }

    /**
     * The pivot of a version-1 saga, which registered nothing and cannot now: only its request knew what to list.
     * With a registry, a pivot not yet begun fails permanently (taking no effect), so the add is undone rather than
     * stored unlisted, as a version-2 saga at the same point is; one begun before may have taken effect and goes on.
     */
    private Data publishUnregistered(Data data, StepAttempt attempt, AtomicReference<FileAttributes> published) {
        if (registering() && attempt.isFirst()) {
            throw new RequestGone("what the file registry is to list");
        }
        return publishStored(data, published);
    }

    private Data writeSignature(Data data) {
        if (data.sign()) {
            DetachedSignature signature = data.signature().orElseThrow(() -> broken(data, "no signature"));
            element(data.element().orElseThrow()).writeSidecar(data.fileId(), DetachedSignature.SIDECAR_SUFFIX, signature.der());
        }
        return data;
    }

    /**
     * Records the file as staging wrote it, kept in the data, so that recovery records it as completely as the upload
     * would have. A saga logged before version 3 has only what publishing answered or, after a restart, the element
     * reports: without the metadata, on a remote SE.
     */
    private Data recordInCatalogue(Data data, AtomicReference<FileAttributes> published) {
        Placed placed = data.element().orElseThrow(() -> broken(data, "no storage element"));
        Optional<FileAttributes> known = data.attributes().or(() -> Optional.ofNullable(published.get())
                .filter(attributes -> attributes.fileId().equals(data.fileId())));
        FileAttributes attributes = known.or(() -> element(placed).stat(data.fileId())).orElseThrow(() -> new IngestException(Kind.INTERNAL,
                "stored_file_missing", "file " + data.fileId() + " was published on storage element " + placed.elementId()
                        + " but the element does not find it"));
        // An authoritative put: it replaces what a lookup may have written back from the element meanwhile.
        catalog.put(new CatalogEntry(placed.elementId(), placed.mode(), attributes));
        return data;
    }

    /**
     * Asks the publisher on every attempt, the first included, so that the step is idempotent whatever its attempt:
     * recovery that lost its start (not forced) runs it as a first attempt again, and must not publish twice.
     */
    private Data publishFileAdded(Data data, StepAttempt attempt) {
        if (events.published(data.fileId(), FileEvent.Type.FILE_ADDED)) {
            return data;
        }
        Placed placed = data.element().orElseThrow(() -> broken(data, "no storage element"));
        Stored stored = data.stored().orElseThrow(() -> broken(data, "no stored size"));
        FileEvent added = new FileEvent(FileEvent.Type.FILE_ADDED, data.fileId(), placed.elementId(), placed.mode(),
                stored.size(), stored.checksum(), clock.instant()).withSagaId(attempt.sagaId().toString());
        // A saga logged before its data kept the attributes finds them in the catalogue, recorded by the step before.
        Optional<FileAttributes> file = data.attributes().or(() -> catalog.find(data.fileId()).map(CatalogEntry::attributes));
        events.publish(file.map(known -> added.withAttributes(FileEventAttributes.of(known, placed.mode()))).orElse(added));
        return data;
    }

    private StorageElement element(Placed placed) {
        return elements.find(placed.elementId()).orElseThrow(() -> new IngestException(Kind.UNAVAILABLE,
                "storage_unavailable", "storage element " + placed.elementId() + " is not known now"));
    }

    private static IngestException broken(Data data, String missing) {
        return new IngestException(Kind.INTERNAL, "saga_data_broken", "the add saga of file " + data.fileId()
                + " has " + missing + " in its data at a step that needs it");
    }

    // --- Failures that no retry can mend ---

    /** Stream-consuming and request-bound steps fail for good: a second attempt has nothing to read. */
    private static final FailureClassifier CLASSIFIER = failure -> failure instanceof RequestGone || failure instanceof ContentConsumed
            ? StepFailure.permanent(failure.getMessage())
            : FailureClassifier.standard().classify(failure);

    /** A step that needs the request, run where the request is gone (recovery, or a retry). */
    static final class RequestGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RequestGone(String what) {
            super(what + " is gone with the request that brought it; the add is undone");
        }
    }

    /** Staging failed after it had read from the client's stream, which cannot be read again. */
    static final class ContentConsumed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ContentConsumed(RuntimeException cause) {
            super((cause instanceof IngestException ingest ? ingest.code() + ": " : "") + cause.getMessage(), cause);
        }

        /** What the client is to be told: the failure itself. */
        RuntimeException original() {
            return (RuntimeException) getCause();
        }
    }

    // --- The data in the log ---

    private static final class DataFormat implements SagaDataFormat<Data> {

        @Override
        public Map<String, String> write(Data data) {
            Map<String, String> fields = new HashMap<>();
            fields.put("file_id", data.fileId().toString());
            fields.put("sign", Boolean.toString(data.sign()));
            data.element().ifPresent(placed -> {
                fields.put("element_id", placed.elementId().value());
                fields.put("mode", placed.mode().wireName());
            });
            data.stored().ifPresent(stored -> {
                fields.put("stored_size", Long.toString(stored.size()));
                fields.put("stored_checksum", stored.checksum().hex());
            });
            data.attributes().ifPresent(attributes -> fields.put("attributes", JsonText.write(toJson(attributes))));
            data.signature().ifPresent(signature -> {
                fields.put("signature_der", Base64.getEncoder().encodeToString(signature.der()));
                fields.put("signature_algorithm", signature.algorithm().wireName());
                fields.put("signature_certificate_fingerprint", signature.certificateFingerprint());
                fields.put("signature_signed_at", signature.signedAt().toString());
            });
            return fields;
        }

        @Override
        public Data read(Map<String, String> fields) {
            FileId fileId = FileId.parse(fields.get("file_id"));
            Optional<Placed> element = Optional.ofNullable(fields.get("element_id"))
                    .map(id -> new Placed(StorageElementId.of(id), Mode.parse(fields.get("mode"))));
            Optional<Stored> stored = Optional.ofNullable(fields.get("stored_size"))
                    .map(size -> new Stored(Long.parseLong(size), Sha256.parse(fields.get("stored_checksum"))));
            Optional<DetachedSignature> signature = Optional.ofNullable(fields.get("signature_der"))
                    .map(der -> new DetachedSignature(Base64.getDecoder().decode(der),
                            SignatureAlgorithm.parse(fields.get("signature_algorithm")),
                            fields.get("signature_certificate_fingerprint"),
                            Instant.parse(fields.get("signature_signed_at"))));
            Optional<FileAttributes> attributes = Optional.ofNullable(fields.get("attributes"))
                    .map(json -> fromJson(fileId, stored.orElseThrow(() -> new IllegalArgumentException(
                            "saga data with attributes but no stored size")), JsonText.read(json)));
            return new Data(fileId, Boolean.parseBoolean(fields.get("sign")), element, stored, signature, attributes);
        }

        /** The attr.json fields; id, size and checksum are in the data already. */
        private static Map<String, Object> toJson(FileAttributes attributes) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("original_filename", attributes.originalFilename());
            json.put("storage_filename", attributes.storageFilename());
            json.put("content_type", attributes.contentType());
            json.put("created_at", attributes.createdAt().toString());
            json.put("updated_at", attributes.updatedAt().toString());
            json.put("created_by_id", attributes.createdById());
            json.put("created_by_username", attributes.createdByUsername());
            attributes.createdByFullname().ifPresent(name -> json.put("created_by_fullname", name));
            attributes.description().ifPresent(description -> json.put("description", description));
            attributes.version().ifPresent(version -> json.put("version", version));
            json.put("storage_path", attributes.storagePath());
            json.put("metadata", attributes.metadata());
            return json;
        }

        @SuppressWarnings("unchecked")
        private static FileAttributes fromJson(FileId fileId, Stored stored, Object value) {
            if (!(value instanceof Map<?, ?> map) || !(map.get("metadata") instanceof Map<?, ?> metadata)) {
                throw new IllegalArgumentException("the saga data's attributes are not an object with metadata");
            }
            Map<String, Object> json = (Map<String, Object>) map;
            return new FileAttributes(fileId, text(json, "original_filename"), text(json, "storage_filename"), stored.size(),
                    text(json, "content_type"), Instant.parse(text(json, "created_at")), Instant.parse(text(json, "updated_at")),
                    text(json, "created_by_id"), text(json, "created_by_username"), optionalText(json, "created_by_fullname"),
                    optionalText(json, "description"), optionalText(json, "version"), text(json, "storage_path"),
                    stored.checksum(), (Map<String, Object>) metadata);
        }

        private static String text(Map<String, Object> json, String name) {
            return optionalText(json, name).orElseThrow(() -> new IllegalArgumentException(
                    "the saga data's attributes have no " + name));
        }

        private static Optional<String> optionalText(Map<String, Object> json, String name) {
            return Optional.ofNullable(json.get(name)).map(String::valueOf);
        }
    }
}
