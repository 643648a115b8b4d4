package io.artstore.ingester.core.upload;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One resumable upload as every instance sees it. Each change is written as a new revision by compare-and-set
 * ({@link io.artstore.ingester.core.port.out.UploadSessions#replace}), so two instances never both advance an upload.
 *
 * @param revision grows by one with every stored change
 * @param length the upload's total length, empty while deferred
 * @param offset the bytes received and durably staged; never more than the length
 * @param metadata the validated fields sent in {@code Upload-Metadata} (decoded), by field name
 * @param fileId the stored file, once completed; while completing, the file being stored
 * @param owner who created the upload; only they may continue or end it
 * @param expires when the session is deleted: an unfinished upload with its staged bytes, a finished one once its
 *     outcome was kept long enough for clients to read it
 * @param bytesPerSecond the recent receiving rate, for progress reports
 * @param failure why the file could not be stored, when it failed (for good, or, while receiving, at the last try)
 */
public record UploadSession(
        UploadId id,
        long revision,
        OptionalLong length,
        long offset,
        Map<String, String> metadata,
        Concatenation concatenation,
        UploadState state,
        Optional<FileId> fileId,
        Caller owner,
        Instant created,
        Instant expires,
        Instant updated,
        UploadReservation reservation,
        UploadLock lock,
        double bytesPerSecond,
        Optional<String> failure) {

    public UploadSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(length, "length");
        Objects.requireNonNull(concatenation, "concatenation");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(updated, "updated");
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(lock, "lock");
        Objects.requireNonNull(failure, "failure");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        if (revision < 1) {
            throw new IllegalArgumentException("revisions start at 1");
        }
        if (offset < 0 || (length.isPresent() && (length.getAsLong() < 0 || offset > length.getAsLong()))) {
            throw new IllegalArgumentException("offset " + offset + " out of the upload's length " + length);
        }
        if (!Double.isFinite(bytesPerSecond) || bytesPerSecond < 0) {
            throw new IllegalArgumentException("rate must be a finite positive number");
        }
    }

    /** A new upload at offset 0, revision 1, unlocked. */
    public static UploadSession start(UploadId id, OptionalLong length, Map<String, String> metadata,
            Concatenation concatenation, Caller owner, Instant now, Instant expires, UploadReservation reservation) {
        return new UploadSession(id, 1, length, 0, metadata, concatenation, UploadState.RECEIVING, Optional.empty(), owner,
                now, expires, now, reservation, UploadLock.free(), 0, Optional.empty());
    }

    public boolean isLengthDeferred() {
        return length.isEmpty();
    }

    /** Whether every byte has arrived (a known length reached). */
    public boolean isFullyReceived() {
        return length.isPresent() && offset == length.getAsLong();
    }

    /** Whether the session is due for deletion: an unfinished upload abandoned, or a finished one kept long enough. */
    public boolean isExpiredAt(Instant now) {
        return !expires.isAfter(now);
    }

    /** The next revision, stamped {@code now}: the base of every change. */
    private UploadSession next(Instant now, OptionalLong length, long offset, UploadState state, Optional<FileId> fileId,
            Instant expires, UploadReservation reservation, UploadLock lock, double bytesPerSecond, Optional<String> failure) {
        return new UploadSession(id, revision + 1, length, offset, metadata, concatenation, state, fileId, owner, created,
                expires, now, reservation, lock, bytesPerSecond, failure);
    }

    public UploadSession withLock(UploadLock newLock, Instant now) {
        return next(now, length, offset, state, fileId, expires, reservation, newLock, bytesPerSecond, failure);
    }

    public UploadSession withOffset(long newOffset, double rate, UploadLock newLock, Instant now) {
        return next(now, length, newOffset, state, fileId, expires, reservation, newLock, rate, failure);
    }

    /** Bytes acknowledged up to {@code newOffset}; the upload is kept until {@code newExpires} from now on. */
    public UploadSession advanced(long newOffset, double rate, UploadLock newLock, Instant newExpires, Instant now) {
        return next(now, length, newOffset, state, fileId, newExpires, reservation, newLock, rate, failure);
    }

    public UploadSession withLength(long newLength, Instant now) {
        return next(now, OptionalLong.of(newLength), offset, state, fileId, expires, reservation, lock, bytesPerSecond, failure);
    }

    public UploadSession withReservation(UploadReservation newReservation, Instant now) {
        return next(now, length, offset, state, fileId, expires, newReservation, lock, bytesPerSecond, failure);
    }

    public UploadSession withExpires(Instant newExpires, Instant now) {
        return next(now, length, offset, state, fileId, newExpires, reservation, lock, bytesPerSecond, failure);
    }

    /** Every byte is here (for a final upload, its parts'): its offset is its length from now on. */
    public UploadSession completing(Instant now) {
        return next(now, length, length.orElse(offset), UploadState.COMPLETING, fileId, expires, reservation, lock, bytesPerSecond, failure);
    }

    /**
     * Every byte is here and is being stored as {@code file}: named before the add begins, so that whoever finds the
     * upload still completing after its instance stopped can learn how that add ended.
     */
    public UploadSession completing(FileId file, Instant now) {
        return next(now, length, length.orElse(offset), UploadState.COMPLETING, Optional.of(file), expires, reservation, lock,
                bytesPerSecond, Optional.empty());
    }

    /**
     * Storing the file failed for a reason that passes (an element unreachable or full, the state store down): every
     * byte stays staged and the upload takes its completion again at the next request that asks for it.
     *
     * @param keepUntil when the upload is deleted with its staged bytes unless stored before
     */
    public UploadSession completionFailed(String reason, Instant now, Instant keepUntil) {
        return next(now, length, offset, UploadState.RECEIVING, Optional.empty(), keepUntil, reservation, lock.released(), 0,
                Optional.of(reason));
    }

    /** @param keepUntil when the finished session is deleted */
    public UploadSession completed(FileId file, Instant now, Instant keepUntil) {
        return next(now, length, offset, UploadState.COMPLETED, Optional.of(file), keepUntil, UploadReservation.none(),
                lock.released(), 0, Optional.empty());
    }

    /** The stored file, once completed (not the one being stored while completing). */
    public Optional<FileId> storedFile() {
        return state == UploadState.COMPLETED ? fileId : Optional.empty();
    }

    /** @param keepUntil when the finished session is deleted */
    public UploadSession failed(String reason, Instant now, Instant keepUntil) {
        return next(now, length, offset, UploadState.FAILED, Optional.empty(), keepUntil, UploadReservation.none(), lock.released(),
                0, Optional.of(reason));
    }
}
