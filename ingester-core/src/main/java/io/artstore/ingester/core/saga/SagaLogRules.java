package io.artstore.ingester.core.saga;

import io.artstore.ingester.core.domain.IngestException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rules every {@link io.artstore.ingester.core.port.out.SagaLog} enforces, in one place so that the
 * embedded and the shared logs agree: who may append to a saga, and who may take it over.
 */
public final class SagaLogRules {

    private SagaLogRules() {
    }

    /**
     * True for the records a log may make durable together with the saga's next record rather than before
     * {@link io.artstore.ingester.core.port.out.SagaLog#append} returns: a saga's start, and a step's or a
     * compensation's success. The orchestrator always appends another record after one (the first step's start,
     * the next step's start, or the saga's end) before it acts again or answers anyone, and a log forces its
     * records in order, so the forcing of that next record covers it. Losing one in a crash is a crash just before
     * it was written, which recovery handles already: a saga never started, or a step (or compensation) found
     * started and not ended, run again or turned back.
     */
    public static boolean durableWithNext(SagaRecord.Kind kind) {
        return kind == SagaRecord.Kind.SAGA_STARTED || kind == SagaRecord.Kind.STEP_SUCCEEDED
                || kind == SagaRecord.Kind.COMPENSATION_SUCCEEDED;
    }

    /**
     * Checks that {@code next} may follow {@code log} (one saga's records so far, possibly none).
     *
     * @throws IngestException {@code CONFLICT} ({@code saga_log_conflict}) when it may not
     */
    public static void requireAppendable(List<SagaRecord> log, SagaRecord next) {
        if (log.isEmpty()) {
            if (next.sequence() != 0 || next.kind() != SagaRecord.Kind.SAGA_STARTED) {
                throw conflict("saga " + next.sagaId() + " is unknown; its first record must be SAGA_STARTED with sequence 0, not "
                        + next.kind() + " with sequence " + next.sequence());
            }
            return;
        }
        SagaRecord latest = log.get(log.size() - 1);
        if (latest.kind() == SagaRecord.Kind.SAGA_PARKED && next.kind() == SagaRecord.Kind.SAGA_RESUMED) {
            // A parked saga has no driver: whichever instance an operator asks resumes it.
            requireNext(log, latest, next);
            return;
        }
        if (latest.kind().endsSaga()) {
            throw conflict("saga " + next.sagaId() + " has ended (" + latest.kind() + "); nothing more can be appended");
        }
        if (!latest.owner().equals(next.owner())) {
            throw conflict("saga " + next.sagaId() + " is owned by instance " + latest.owner() + " now, not by " + next.owner());
        }
        requireNext(log, latest, next);
    }

    private static void requireNext(List<SagaRecord> log, SagaRecord latest, SagaRecord next) {
        if (next.sequence() != log.size()) {
            throw conflict("saga " + next.sagaId() + " has " + log.size() + " records; a record with sequence "
                    + next.sequence() + " was written by an instance that missed some of them");
        }
        if (!latest.sagaType().equals(next.sagaType()) || latest.definitionVersion() != next.definitionVersion()) {
            throw conflict("saga " + next.sagaId() + " is a '" + latest.sagaType() + "' saga of version " + latest.definitionVersion()
                    + ", not a '" + next.sagaType() + "' one of version " + next.definitionVersion());
        }
    }

    /**
     * The record by which {@code owner} takes the saga over until {@code leaseUntil}, or empty when it may
     * not: the saga is unknown or ended, or another instance's lease runs past {@code now}. The log appends
     * it as it is, without {@link #requireAppendable}, whose owner rule it is the one exception to.
     */
    public static Optional<SagaRecord> claim(List<SagaRecord> log, String owner, Instant now, Instant leaseUntil) {
        return claim(log, owner, now, leaseUntil, false);
    }

    /**
     * As {@link #claim(List, String, Instant, Instant)}; with {@code latestOwnerGone} (the log knows the owner of
     * the latest record is dead) the saga's own lease is not waited for.
     */
    public static Optional<SagaRecord> claim(List<SagaRecord> log, String owner, Instant now, Instant leaseUntil,
            boolean latestOwnerGone) {
        if (log.isEmpty()) {
            return Optional.empty();
        }
        SagaRecord latest = log.get(log.size() - 1);
        if (latest.kind().endsSaga()
                || !latest.owner().equals(owner) && !latest.leaseExpiredAt(now) && !latestOwnerGone) {
            return Optional.empty();
        }
        return Optional.of(new SagaRecord(latest.sagaId(), latest.sagaType(), latest.definitionVersion(), log.size(), SagaRecord.Kind.LEASE_CLAIMED,
                SagaRecord.NO_STEP, 0, now, owner, leaseUntil, latest.data(), Optional.empty(), latest.clock()));
    }

    private static IngestException conflict(String message) {
        return IngestException.conflict("saga_log_conflict", message);
    }
}
