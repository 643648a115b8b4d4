package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaSummary;
import java.time.Instant;
import java.util.List;

/**
 * The durable, append-only log of sagas, shared by every instance that may have to finish another's work.
 * Implementations are thread-safe.
 *
 * <p>Each saga has one owner at a time: the owner of its latest record, until that record's lease expires.
 * Only the owner may append; another instance first takes the saga over with {@link #tryClaim}. That keeps
 * an instance that stalled past its lease from writing over the instance that took its saga over.
 */
public interface SagaLog {

    /**
     * Appends a record; it is durable when the call returns, except a record for which
     * {@link io.artstore.ingester.core.saga.SagaLogRules#durableWithNext} is true, which may become durable only
     * with the saga's next record (records are made durable in the order they were appended). The first record
     * of a saga must have sequence 0; each later one the next sequence, and the owner of the saga's latest record.
     *
     * @throws IngestException {@code CONFLICT} ({@code saga_log_conflict}) when the sequence is not the next
     *     one or another instance owns the saga now: the caller has lost the saga and must stop driving it
     */
    void append(SagaRecord record);

    /**
     * Appends a record like {@link #append}, except that it need not be durable when the call returns: the saga's
     * next record, made durable, covers it (records are made durable in the order they were appended). For the
     * start of a retriable step that is idempotent whatever its attempt (see
     * {@link io.artstore.ingester.core.saga.StepDefinition}). A log that cannot defer the force makes it durable at
     * once, which is always allowed.
     */
    default void appendDurableWithNext(SagaRecord record) {
        append(record);
    }

    /** The saga's records in log order, or an empty list when the log does not know it. */
    List<SagaRecord> load(SagaId sagaId);

    /** Every saga not yet ended (running or compensating), whoever owns it. */
    List<SagaSummary> unfinished();

    /**
     * Takes the saga over for {@code owner} until {@code leaseUntil}, if its current lease has expired at
     * {@code now} or {@code owner} holds it already, by appending a {@link SagaRecord.Kind#LEASE_CLAIMED}
     * record. Check and append are one atomic step across every instance sharing the log.
     *
     * @return true when {@code owner} holds the saga now; false when another instance holds it, when it has
     *     ended, or when the log does not know it
     */
    boolean tryClaim(SagaId sagaId, String owner, Instant now, Instant leaseUntil);

    /**
     * Whether the log knows that instance {@code owner} is gone: a shared log whose instances hold leases of their
     * own (Redis) says so once the instance's lease expired, long before the leases of its sagas run out. A log
     * without instance leases never knows; its sagas wait for their own leases.
     */
    default boolean ownerGone(String owner) {
        return false;
    }

    /**
     * As {@link #tryClaim}, and also while the saga's lease still runs if the owner of its latest record is
     * {@linkplain #ownerGone gone}. Check and append stay one atomic step as in {@code tryClaim}: of instances
     * racing, one wins; an owner that was not gone after all has its next record refused.
     */
    default boolean tryTakeOver(SagaId sagaId, String owner, Instant now, Instant leaseUntil) {
        return tryClaim(sagaId, owner, now, leaseUntil);
    }

    /** The sagas in the given state, for operators. */
    List<SagaSummary> list(SagaState state);
}
