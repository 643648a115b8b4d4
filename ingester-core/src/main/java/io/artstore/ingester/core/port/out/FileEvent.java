package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A change to a file that other services may want to know of.
 *
 * @param clock the publishing instance's vector clock at the change, to order one file's events across
 *     instances; empty until the publisher stamps it
 * @param sagaId the saga that made the change (an add or a delete), when one did
 * @param transactionId the transfer transaction that made the change, when one did
 * @param traceParent the W3C {@code traceparent} of the operation, for whoever traces it to fill in; sent as a
 *     message header where the event goes to a broker
 * @param attributes what the file is (its name, uploader, compression, retention...), for every event of a file the
 *     ingester knows; empty only for an event stored before events carried them
 */
public record FileEvent(
        Type type, FileId fileId, StorageElementId elementId, Mode mode, long size, Sha256 checksum, Instant at,
        VectorClock clock, Optional<String> sagaId, Optional<String> transactionId, Optional<String> traceParent,
        Optional<FileEventAttributes> attributes) {

    public enum Type {
        FILE_ADDED,
        FILE_DELETED,
        /** An earlier {@code FILE_ADDED} no longer holds: the add was undone. */
        FILE_ADD_RETRACTED,
        /** The file moved from an {@code edit} to an {@code rw} storage element, keeping its id. */
        FILE_TRANSFERRED,
        /** The file's stored bytes were compressed after the upload; the original bytes and id are unchanged. */
        FILE_COMPRESSED,
        /** The file was signed after the upload; its signature lies beside it. */
        FILE_SIGNED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public FileEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(elementId, "elementId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(traceParent, "traceParent");
        Objects.requireNonNull(attributes, "attributes");
    }

    /** An event without the file's attributes. */
    public FileEvent(Type type, FileId fileId, StorageElementId elementId, Mode mode, long size, Sha256 checksum, Instant at,
            VectorClock clock, Optional<String> sagaId, Optional<String> transactionId, Optional<String> traceParent) {
        this(type, fileId, elementId, mode, size, checksum, at, clock, sagaId, transactionId, traceParent, Optional.empty());
    }

    /** An event of no saga or transaction. */
    public FileEvent(Type type, FileId fileId, StorageElementId elementId, Mode mode, long size, Sha256 checksum, Instant at,
            VectorClock clock) {
        this(type, fileId, elementId, mode, size, checksum, at, clock, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** An event not yet stamped with a vector clock. */
    public FileEvent(Type type, FileId fileId, StorageElementId elementId, Mode mode, long size, Sha256 checksum, Instant at) {
        this(type, fileId, elementId, mode, size, checksum, at, VectorClock.empty());
    }

    public FileEvent withClock(VectorClock stamped) {
        return new FileEvent(type, fileId, elementId, mode, size, checksum, at, stamped, sagaId, transactionId, traceParent,
                attributes);
    }

    /** The same event, made by the saga {@code id}. */
    public FileEvent withSagaId(String id) {
        return new FileEvent(type, fileId, elementId, mode, size, checksum, at, clock, Optional.of(id), transactionId, traceParent,
                attributes);
    }

    /** The same event, made by the transfer transaction {@code id}. */
    public FileEvent withTransactionId(String id) {
        return new FileEvent(type, fileId, elementId, mode, size, checksum, at, clock, sagaId, Optional.of(id), traceParent,
                attributes);
    }

    /** The same event, carrying the W3C trace context of the operation that made it. */
    public FileEvent withTraceParent(String traceparent) {
        return new FileEvent(type, fileId, elementId, mode, size, checksum, at, clock, sagaId, transactionId,
                Optional.of(traceparent), attributes);
    }

    /** The same event, carrying what the file is. */
    public FileEvent withAttributes(FileEventAttributes file) {
        return new FileEvent(type, fileId, elementId, mode, size, checksum, at, clock, sagaId, transactionId, traceParent,
                Optional.of(file));
    }
}
