package io.artstore.ingester.core.tasks;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.pipeline.SigningInputStream;
import io.artstore.ingester.core.port.in.TaskReport;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.FileEventAttributes;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.Signer;
import io.artstore.ingester.core.port.out.Signing;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.out.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code sign_file} ({@code file_id}): signs a stored file's original bytes with the configured signer, as an upload
 * with {@code sign=true} does, writes the detached signature beside it ({@code <storage_filename>.sig}, replaced
 * atomically by the element, so a crash leaves none or a whole one) and records the signature's fields in the catalogue
 * entry ({@code metadata.ingester.signature}), then publishes one {@code FILE_SIGNED}. The catalogue entry is written
 * last: a delivery that finds it there does nothing; one that finds only the signature file signs again and replaces it.
 */
public final class SignFile implements TaskHandler {

    public static final String TYPE = "sign_file";
    public static final String FILE_ID = "file_id";

    private final StorageElements elements;
    private final FileCatalog catalog;
    private final EventPublisher events;
    private final Locks locks;
    private final Signer signer;
    private final OriginalReader originals;
    private final Clock clock;

    public SignFile(StorageElements elements, FileCatalog catalog, EventPublisher events, Locks locks, Signer signer,
            OriginalReader originals, Clock clock) {
        this.elements = Objects.requireNonNull(elements, "elements");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.events = Objects.requireNonNull(events, "events");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.originals = Objects.requireNonNull(originals, "originals");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The lock owner of the signing of one file: the same for every delivery, so that a second one takes it back. */
    public static String lockOwner(FileId fileId) {
        return "sign-task-" + fileId;
    }

    @Override
    public TaskReport run(Task task) {
        FileId fileId = CompressFile.argument(task, FILE_ID, FileId::parse);
        if (catalog.find(fileId).isEmpty()) {
            return report(fileId, "file_gone");
        }
        Locks.Lock lock = locks.tryLock(fileId, Locks.Operation.REWRITE, lockOwner(fileId)).orElseThrow(() ->
                new IngestException(Kind.UNAVAILABLE, "file_locked", "file " + fileId + " is locked by another operation;"
                        + " it is signed once that has finished"));
        try {
            // Read under the lock: a compression that ran meanwhile changed the entry.
            Optional<CatalogEntry> entry = catalog.find(fileId);
            if (entry.isEmpty()) {
                return report(fileId, "file_gone");
            }
            if (signatureOf(entry.get().attributes()).isEmpty()) {
                sign(entry.get());
            } else if (events.published(fileId, FileEvent.Type.FILE_SIGNED)) {
                return report(fileId, "done_before");
            }
            if (!events.published(fileId, FileEvent.Type.FILE_SIGNED)) {
                CatalogEntry signed = catalog.find(fileId).orElse(entry.get());
                events.publish(new FileEvent(FileEvent.Type.FILE_SIGNED, fileId, signed.elementId(), signed.mode(),
                        signed.attributes().fileSize(), signed.attributes().checksum(), clock.instant())
                        .withAttributes(FileEventAttributes.of(signed.attributes(), signed.mode())));
            }
            return report(fileId, "signed");
        } finally {
            locks.release(lock);
        }
    }

    private void sign(CatalogEntry entry) {
        FileAttributes attributes = entry.attributes();
        StorageElement element = elements.find(entry.elementId()).orElseThrow(() -> new IngestException(Kind.UNAVAILABLE,
                "storage_unavailable", "storage element " + entry.elementId() + " that holds file " + entry.fileId()
                        + " is not known now"));
        Signing signing = signer.begin(entry.fileId());
        try (InputStream original = new SigningInputStream(originals.open(element, attributes), signing)) {
            original.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("reading file " + entry.fileId() + " to sign it failed", e);
        }
        DetachedSignature signature = signing.sign();
        element.writeSidecar(entry.fileId(), DetachedSignature.SIDECAR_SUFFIX, signature.der());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("algorithm", signature.algorithm().wireName());
        fields.put("certificate_fingerprint", signature.certificateFingerprint());
        fields.put("signed_at", signature.signedAt().toString());
        element.sidecarFileId(entry.fileId(), DetachedSignature.SIDECAR_SUFFIX).ifPresent(id -> {
            fields.put("file_id", id.toString());
            fields.put("original_filename", attributes.originalFilename() + DetachedSignature.SIDECAR_SUFFIX);
        });
        Map<String, Object> metadata = new LinkedHashMap<>(attributes.metadata());
        Map<String, Object> ingester = new LinkedHashMap<>();
        if (metadata.get(StoredContent.METADATA_KEY) instanceof Map<?, ?> section) {
            section.forEach((key, value) -> ingester.put(String.valueOf(key), value));
        }
        ingester.put("signature", fields);
        metadata.put(StoredContent.METADATA_KEY, ingester);
        catalog.put(new CatalogEntry(entry.elementId(), entry.mode(), new FileAttributes(attributes.fileId(),
                attributes.originalFilename(), attributes.storageFilename(), attributes.fileSize(), attributes.contentType(),
                attributes.createdAt(), clock.instant(), attributes.createdById(), attributes.createdByUsername(),
                attributes.createdByFullname(), attributes.description(), attributes.version(), attributes.storagePath(),
                attributes.checksum(), metadata)));
    }

    /** The signature fields the file's metadata records, when it was signed. */
    static Optional<Object> signatureOf(FileAttributes attributes) {
        return attributes.metadata().get(StoredContent.METADATA_KEY) instanceof Map<?, ?> section
                ? Optional.ofNullable(section.get("signature"))
                : Optional.empty();
    }

    private static TaskReport report(FileId fileId, String outcome) {
        return new TaskReport(Map.of("file_id", fileId.toString(), "outcome", outcome));
    }
}
