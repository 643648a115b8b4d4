package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.DeletionReason;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.FileEventAttributes;
import io.artstore.ingester.core.port.out.FileRegistry;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.saga.JsonText;
import io.artstore.ingester.core.saga.RetryPolicy;
import io.artstore.ingester.core.saga.SagaDataFormat;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.StepAttempt;
import io.artstore.ingester.core.saga.StepInterceptor;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Deleting a file from an {@code edit} storage element as a saga:
 *
 * <pre>
 * lock-file              → unlock     (marks the file as being deleted; a transfer then gets 409 file_locked)
 * delete-from-element    PIVOT, idempotent, retried
 * delete-signature       retriable
 * forget-file            retriable: drop the catalogue entry
 * publish-file-deleted   retriable: exactly one FILE_DELETED event
 * unlock-file            retriable
 * unregister-file        retriable: soft-delete the file registry's entry (through its durable outbox)
 * </pre>
 *
 * The last step came last so that the steps of a delete logged before it existed keep their numbers.
 *
 * Every step needs only the saga's data, so recovery drives a delete forward past the pivot and backward
 * before it without the request.
 */
public final class DeleteFileSaga {

    public static final String TYPE = "delete-file";
    public static final String LOCK_FILE = "lock-file";
    public static final String DELETE_FROM_ELEMENT = "delete-from-element";
    public static final String DELETE_SIGNATURE = "delete-signature";
    public static final String FORGET_FILE = "forget-file";
    public static final String UNREGISTER_FILE = "unregister-file";
    public static final String PUBLISH_FILE_DELETED = "publish-file-deleted";
    public static final String UNLOCK_FILE = "unlock-file";

    /** @param timeout how long a delete may take before its pivot; past it the saga is compensated */
    public record Settings(Duration timeout, RetryPolicy retryPolicy) {

        public static final Settings DEFAULT = new Settings(Duration.ofMinutes(10), RetryPolicy.DEFAULT);

        public Settings {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the delete saga's timeout must be positive, got " + timeout);
            }
        }
    }

    /**
     * The file to delete, as the catalogue knew it when the saga started: enough for its event.
     *
     * @param file what the file is, for the event; empty in a saga logged before the data kept it
     */
    public record Data(FileId fileId, StorageElementId elementId, Mode mode, long size, Sha256 checksum,
            Optional<FileEventAttributes> file) {
        public Data {
            Objects.requireNonNull(fileId, "fileId");
            Objects.requireNonNull(elementId, "elementId");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(checksum, "checksum");
            Objects.requireNonNull(file, "file");
        }

        public Data(FileId fileId, StorageElementId elementId, Mode mode, long size, Sha256 checksum) {
            this(fileId, elementId, mode, size, checksum, Optional.empty());
        }

        /** The catalogue's entry of the file to delete. */
        public static Data of(CatalogEntry entry) {
            return new Data(entry.fileId(), entry.elementId(), entry.mode(), entry.attributes().fileSize(),
                    entry.attributes().checksum(), Optional.of(FileEventAttributes.of(entry.attributes(), entry.mode())));
        }
    }

    static final SagaDataFormat<Data> FORMAT = new SagaDataFormat<>() {
        @Override
        public Map<String, String> write(Data data) {
            Map<String, String> fields = new HashMap<>();
            fields.put("file_id", data.fileId().toString());
            fields.put("element_id", data.elementId().value());
            fields.put("mode", data.mode().wireName());
            fields.put("size", Long.toString(data.size()));
            fields.put("checksum", data.checksum().hex());
            // The catalogue entry is gone by the time the event is published: the saga carries what it says.
            data.file().ifPresent(file -> fields.put("file", JsonText.write(file.toFields())));
            return fields;
        }

        @Override
        public Data read(Map<String, String> fields) {
            Optional<FileEventAttributes> file = Optional.ofNullable(fields.get("file"))
                    .map(text -> JsonText.read(text) instanceof Map<?, ?> map ? FileEventAttributes.fromFields(map) : null);
            return new Data(FileId.parse(fields.get("file_id")), StorageElementId.of(fields.get("element_id")),
                    Mode.parse(fields.get("mode")), Long.parseLong(fields.get("size")), Sha256.parse(fields.get("checksum")),
                    file);
        }
    };

    private final StorageElements elements;
    private final FileCatalog catalog;
    private final EventPublisher events;
    private final Locks locks;
    private final Clock clock;
    private final Settings settings;
    private final FileRegistry registry;
    private final Optional<StepInterceptor<Data>> interceptor;

    public DeleteFileSaga(StorageElements elements, FileCatalog catalog, EventPublisher events, Locks locks, Clock clock,
            Settings settings) {
        this(elements, catalog, events, locks, clock, settings, FileRegistry.none(), Optional.empty());
    }

    public DeleteFileSaga(StorageElements elements, FileCatalog catalog, EventPublisher events, Locks locks, Clock clock,
            Settings settings, FileRegistry registry) {
        this(elements, catalog, events, locks, clock, settings, registry, Optional.empty());
    }

    private DeleteFileSaga(StorageElements elements, FileCatalog catalog, EventPublisher events, Locks locks, Clock clock,
            Settings settings, FileRegistry registry, Optional<StepInterceptor<Data>> interceptor) {
        this.elements = Objects.requireNonNull(elements, "elements");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.events = Objects.requireNonNull(events, "events");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.interceptor = interceptor;
    }

    /** The same saga with every step run through {@code around}, for tracing or fault injection. */
    public DeleteFileSaga intercepted(StepInterceptor<Data> around) {
        return new DeleteFileSaga(elements, catalog, events, locks, clock, settings, registry, Optional.of(around));
    }

    /** The lock owner of one delete saga: stable, so that a re-run step gets its own lock back. */
    public static String lockOwner(SagaId sagaId) {
        return "delete-saga-" + sagaId;
    }

    public SagaDefinition<Data> definition() {
        SagaDefinition<Data> definition = SagaDefinition.named(TYPE, FORMAT)
                .step(LOCK_FILE).invoke(this::lock).withCompensation(this::unlock)
                .step(DELETE_FROM_ELEMENT).invoke((data, attempt) -> deleteFromElement(data)).pivot()
                .step(DELETE_SIGNATURE).invoke((data, attempt) -> deleteSignature(data)).retriable()
                .step(FORGET_FILE).invoke((data, attempt) -> forget(data)).retriable()
                .step(PUBLISH_FILE_DELETED).invoke(this::publishFileDeleted).retriable()
                .step(UNLOCK_FILE).invoke(this::unlock).retriable()
                .step(UNREGISTER_FILE).invoke((data, attempt) -> unregister(data)).retriable()
                .timeout(settings.timeout())
                .retryPolicy(settings.retryPolicy())
                .build();
        return interceptor.map(definition::intercepted).orElse(definition);
    }

    private Data lock(Data data, StepAttempt attempt) {
        locks.lockOrRefuse(data.fileId(), Locks.Operation.DELETE, lockOwner(attempt.sagaId()), "retry once it has finished");
        // The file was located before the lock was taken: a transfer that finished in between moved it. (No entry
        // means an earlier delete got there first; the steps after this one are idempotent.)
        Optional<CatalogEntry> entry = catalog.find(data.fileId());
        if (entry.isPresent() && (!entry.get().elementId().equals(data.elementId()) || !entry.get().mode().allowsDelete())) {
            throw IngestException.conflict("wrong_mode", "file " + data.fileId() + " moved to storage element "
                    + entry.get().elementId() + " in mode '" + entry.get().mode().wireName()
                    + "' while the delete began; only files on 'edit' storage elements can be deleted");
        }
        return data;
    }

    private Data unlock(Data data, StepAttempt attempt) {
        locks.releaseIfHeldBy(data.fileId(), lockOwner(attempt.sagaId()));
        return data;
    }

    private Data deleteFromElement(Data data) {
        element(data).delete(data.fileId());
        return data;
    }

    private Data deleteSignature(Data data) {
        // Elements that keep sidecars in their own way may keep them after the file; ask them too.
        element(data).deleteSidecar(data.fileId(), DetachedSignature.SIDECAR_SUFFIX);
        return data;
    }

    private Data forget(Data data) {
        catalog.remove(data.fileId());
        return data;
    }

    private Data unregister(Data data) {
        registry.softDelete(data.fileId(), DeletionReason.MANUAL);
        return data;
    }

    private Data publishFileDeleted(Data data, StepAttempt attempt) {
        if (!attempt.isFirst() && events.published(data.fileId(), FileEvent.Type.FILE_DELETED)) {
            return data;
        }
        FileEvent deleted = new FileEvent(FileEvent.Type.FILE_DELETED, data.fileId(), data.elementId(), data.mode(),
                data.size(), data.checksum(), clock.instant()).withSagaId(attempt.sagaId().toString());
        events.publish(data.file().map(deleted::withAttributes).orElse(deleted));
        return data;
    }

    private StorageElement element(Data data) {
        return elements.find(data.elementId()).orElseThrow(() -> new IngestException(Kind.UNAVAILABLE,
                "storage_unavailable", "storage element " + data.elementId() + " that holds file " + data.fileId()
                        + " is not known now"));
    }
}
