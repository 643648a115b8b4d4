package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.saga.SagaId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A file that was added: where it went and what was stored.
 *
 * @param sagaId the saga that added it, to look up in the saga API
 * @param signature the signature kept beside the file, when the upload asked for one
 * @param deferred what background tasks were queued to do to the file afterwards
 */
public record AddedFile(
        CatalogEntry entry,
        StorageElementDescriptor element,
        StoredContent content,
        RetentionPolicy retention,
        Optional<Instant> ttlExpiresAt,
        SagaId sagaId,
        Optional<DetachedSignature> signature,
        DeferredWork deferred) {

    public AddedFile {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(ttlExpiresAt, "ttlExpiresAt");
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(deferred, "deferred");
    }

    /** A file with nothing left for background tasks. */
    public AddedFile(CatalogEntry entry, StorageElementDescriptor element, StoredContent content, RetentionPolicy retention,
            Optional<Instant> ttlExpiresAt, SagaId sagaId, Optional<DetachedSignature> signature) {
        this(entry, element, content, retention, ttlExpiresAt, sagaId, signature, DeferredWork.NONE);
    }

    /** The same file, with {@code work} queued for background tasks. */
    public AddedFile withDeferred(DeferredWork work) {
        return new AddedFile(entry, element, content, retention, ttlExpiresAt, sagaId, signature, work);
    }

    /** The signature file's name beside the stored file, when there is one. */
    public Optional<String> signatureFile() {
        return signature.map(any -> entry.attributes().storageFilename() + DetachedSignature.SIDECAR_SUFFIX);
    }
}
