package io.artstore.ingester.core.saga.testing;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaSummary;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A log that passes every call on to the log behind it; faulty logs override the appends they break. */
public abstract class ForwardingSagaLog implements SagaLog {

    protected final SagaLog log;

    protected ForwardingSagaLog(SagaLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void append(SagaRecord record) {
        log.append(record);
    }

    @Override
    public void appendDurableWithNext(SagaRecord record) {
        log.appendDurableWithNext(record);
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
