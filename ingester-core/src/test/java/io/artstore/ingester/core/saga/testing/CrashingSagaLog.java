package io.artstore.ingester.core.saga.testing;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaSummary;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import java.time.Instant;
import java.util.List;

/**
 * Passes appends on to another log until a given number of them has been written, then "dies" on the next
 * one without writing it: the log is left exactly as a process killed at that moment leaves it.
 */
public final class CrashingSagaLog implements SagaLog {

    private final SagaLog log;
    private final int appendsBeforeCrash;
    private int appends;

    public CrashingSagaLog(SagaLog log, int appendsBeforeCrash) {
        this.log = log;
        this.appendsBeforeCrash = appendsBeforeCrash;
    }

    @Override
    public synchronized void append(SagaRecord record) {
        if (appends == appendsBeforeCrash) {
            throw new SimulatedCrash("the append of record " + appends + " (" + record.kind() + ")");
        }
        log.append(record);
        appends++;
    }

    @Override
    public synchronized void appendDurableWithNext(SagaRecord record) {
        if (appends == appendsBeforeCrash) {
            throw new SimulatedCrash("the append of record " + appends + " (" + record.kind() + ")");
        }
        log.appendDurableWithNext(record);
        appends++;
    }

    @Override
    public List<SagaRecord> load(SagaId sagaId) {
        return log.load(sagaId);
    }

    @Override
    public List<SagaSummary> unfinished() {
        return log.unfinished();
    }

    @Override
    public boolean tryClaim(SagaId sagaId, String owner, Instant now, Instant leaseUntil) {
        return log.tryClaim(sagaId, owner, now, leaseUntil);
    }

    @Override
    public boolean ownerGone(String owner) {
        return log.ownerGone(owner);
    }

    @Override
    public boolean tryTakeOver(SagaId sagaId, String owner, Instant now, Instant leaseUntil) {
        return log.tryTakeOver(sagaId, owner, now, leaseUntil);
    }

    @Override
    public List<SagaSummary> list(SagaState state) {
        return log.list(state);
    }
}
