package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-file operation locks, so that operations which must not interleave on one file (a delete and a transfer,
 * two transfers) exclude each other. Each grant carries a fencing token, greater than every token granted
 * before, so that a holder whose lock was released and granted again can be told from the current one.
 * Locks have no lease: they are released by their holder or by the recovery of its operation.
 * Implementations are thread-safe.
 */
public interface Locks {

    /** What a lock is held for; named in the conflict a refused operation reports. */
    enum Operation {
        TRANSFER,
        DELETE,
        /** Compression or signing after the upload, which rewrites the file where it is. */
        REWRITE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One grant of a file's lock. */
    record Lock(FileId fileId, Operation operation, String owner, long fencingToken) {
        public Lock {
            Objects.requireNonNull(fileId, "fileId");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(owner, "owner");
            if (owner.isBlank() || owner.length() > 200 || owner.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("a lock's owner is 1-200 characters without control characters, got '"
                        + owner + "'");
            }
            if (fencingToken < 1) {
                throw new IllegalArgumentException("fencing tokens start at 1, got " + fencingToken);
            }
        }
    }

    /**
     * Locks the file for the operation. The owner that holds it already for the same operation gets its lock back
     * unchanged, so that a retried step needs no bookkeeping.
     *
     * @return the lock, or empty when another owner or operation holds the file
     */
    Optional<Lock> tryLock(FileId fileId, Operation operation, String owner);

    /** Releases the lock if it is still the current grant; idempotent. True when this call released it. */
    boolean release(Lock lock);

    default boolean isLocked(FileId fileId) {
        return holder(fileId).isPresent();
    }

    /** The current grant on the file, if any. */
    Optional<Lock> holder(FileId fileId);

    /**
     * Locks the file as {@link #tryLock} does, or refuses the operation.
     *
     * @param advice what the caller may do about it, ending the conflict's message
     * @throws IngestException {@code CONFLICT} with code {@code file_locked}, naming the holder, when another holds it
     */
    default Lock lockOrRefuse(FileId fileId, Operation operation, String owner, String advice) {
        return tryLock(fileId, operation, owner).orElseThrow(() -> IngestException.conflict("file_locked",
                "file " + fileId + " is locked by " + describeHolder(fileId) + "; " + advice));
    }

    /** Who holds the file, as a refused operation names it in its conflict. */
    private String describeHolder(FileId fileId) {
        return holder(fileId).map(held -> "a running " + held.operation().wireName() + " operation")
                .orElse("another operation");
    }

    /** Releases the file's lock if {@code owner} holds it now; idempotent, so a compensation may run again. */
    default void releaseIfHeldBy(FileId fileId, String owner) {
        holder(fileId).filter(held -> held.owner().equals(owner)).ifPresent(this::release);
    }

    /** Every lock held now, e.g. for recovery to find those left behind by operations that died. */
    List<Lock> held();

    /**
     * Checks that the lock is still the current grant, before acting under it.
     *
     * @throws IngestException {@code CONFLICT} with code {@code lock_lost} when its fencing token is stale
     */
    default void validate(Lock lock) {
        Optional<Lock> current = holder(lock.fileId());
        if (current.isEmpty() || current.get().fencingToken() != lock.fencingToken()) {
            throw IngestException.conflict("lock_lost", "the " + lock.operation().wireName() + " lock on file "
                    + lock.fileId() + " with fencing token " + lock.fencingToken() + " is no longer held"
                    + current.map(c -> "; the file is now locked by a " + c.operation().wireName() + " operation").orElse(""));
        }
    }
}
