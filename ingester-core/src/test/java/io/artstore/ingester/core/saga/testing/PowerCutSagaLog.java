package io.artstore.ingester.core.saga.testing;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaLogRules;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import java.util.ArrayList;
import java.util.List;

/**
 * A log that loses power at a given append: records the port lets a log keep unforced (those of
 * {@link SagaLogRules#durableWithNext} and of {@link SagaLog#appendDurableWithNext}) reach the log behind it only
 * when a later record is forced, as a log that forces in order makes them durable; at the crash the ones still
 * waiting are lost with the append that was not written. What the log behind holds afterwards is what a disk
 * holds after a power cut at that moment, the worst a log may leave and still keep the port's promise.
 */
public final class PowerCutSagaLog extends ForwardingSagaLog {

    private final int appendsBeforeCrash;
    private final List<SagaRecord> unforced = new ArrayList<>();
    private int appends;

    public PowerCutSagaLog(SagaLog log, int appendsBeforeCrash) {
        super(log);
        this.appendsBeforeCrash = appendsBeforeCrash;
    }

    @Override
    public synchronized void append(SagaRecord record) {
        if (SagaLogRules.durableWithNext(record.kind())) {
            appendDurableWithNext(record);
            return;
        }
        crashIfDue(record);
        unforced.forEach(log::append);
        unforced.clear();
        log.append(record);
        appends++;
    }

    @Override
    public synchronized void appendDurableWithNext(SagaRecord record) {
        crashIfDue(record);
        unforced.add(record);
        appends++;
    }

    private void crashIfDue(SagaRecord record) {
        if (appends == appendsBeforeCrash) {
            int lost = unforced.size();
            unforced.clear();
            throw new SimulatedCrash("power lost at the append of record " + appends + " (" + record.kind() + "), "
                    + lost + " unforced record(s) before it lost too");
        }
    }
}
