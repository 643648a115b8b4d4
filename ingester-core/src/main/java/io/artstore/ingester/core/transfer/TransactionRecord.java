package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One entry of a transfer's log. The log is written before each action it describes is taken. */
public sealed interface TransactionRecord {

    TransactionId transactionId();

    Instant at();

    /**
     * The transaction exists: what moves where, and what its bytes must hash to.
     *
     * @param fencingToken the token of the source file's lock, taken just before this record was written
     * @param clock the vector clock of the request that began the transfer, to order it among the file's other
     *     operations across instances; empty when none was known
     */
    record Begun(TransactionId transactionId, FileId fileId, StorageElementId source, StorageElementId target,
            Sha256 expectedChecksum, long expectedSize, long fencingToken, Instant at, VectorClock clock)
            implements TransactionRecord {

        public Begun {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(fileId, "fileId");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(expectedChecksum, "expectedChecksum");
            Objects.requireNonNull(at, "at");
            if (source.equals(target)) {
                throw new IllegalArgumentException("source and target must differ, both are " + source);
            }
            if (expectedSize <= 0) {
                throw new IllegalArgumentException("expectedSize must be > 0, got " + expectedSize);
            }
        }

        /** A begin record without a vector clock. */
        public Begun(TransactionId transactionId, FileId fileId, StorageElementId source, StorageElementId target,
                Sha256 expectedChecksum, long expectedSize, long fencingToken, Instant at) {
            this(transactionId, fileId, source, target, expectedChecksum, expectedSize, fencingToken, at, VectorClock.empty());
        }
    }

    /** A participant's answer to prepare; a no carries the reason. */
    record Voted(TransactionId transactionId, Participant participant, boolean yes, Optional<String> reason, Instant at)
            implements TransactionRecord {

        public Voted {
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(participant, "participant");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(at, "at");
            if (!yes && reason.isEmpty()) {
                throw new IllegalArgumentException("a no vote must say why");
            }
        }
    }

    /** The decision. Must be durable before phase two acts on it; the first one logged wins. */
    record Decided(TransactionId transactionId, Verdict verdict, Optional<String> reason, Instant at)
            implements TransactionRecord {

        public Decided {
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(at, "at");
        }
    }

    record StepCompleted(TransactionId transactionId, Step step, Instant at) implements TransactionRecord {

        public StepCompleted {
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(at, "at");
        }
    }

    /** Nothing is left to do. {@code outcome} is COMMITTED, ABORTED or HEURISTIC. */
    record Ended(TransactionId transactionId, TransferState outcome, Optional<String> reason, Instant at)
            implements TransactionRecord {

        public Ended {
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(at, "at");
            if (!outcome.finished()) {
                throw new IllegalArgumentException("an ended transaction is committed, aborted or heuristic, not " + outcome);
            }
        }
    }
}
