package io.artstore.ingester.core.saga.testing;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;

/**
 * Passes appends on to another log until a given number of them has been written, then "dies" on the next
 * one without writing it: the log is left exactly as a process killed at that moment leaves it.
 */
public final class CrashingSagaLog extends ForwardingSagaLog {

    private final int appendsBeforeCrash;
    private int appends;

    public CrashingSagaLog(SagaLog log, int appendsBeforeCrash) {
        super(log);
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
}
