package io.artstore.ingester.core.service;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaSummary;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Stamps every saga record appended with this instance's vector clock, ticked once per record, so that a saga's
 * steps can be ordered among other operations across instances. A claim, written by the log itself, keeps the
 * clock of the record it follows.
 */
public final class ClockStampingSagaLog implements SagaLog {

    private final SagaLog delegate;
    private final LocalClock clock;

    public ClockStampingSagaLog(SagaLog delegate, LocalClock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void append(SagaRecord record) {
        delegate.append(record.withClock(clock.receive(record.clock())));
    }

    @Override
    public void appendDurableWithNext(SagaRecord record) {
        delegate.appendDurableWithNext(record.withClock(clock.receive(record.clock())));
    }

    @Override
    public List<SagaRecord> load(SagaId sagaId) {
        return delegate.load(sagaId);
    }

    @Override
    public List<SagaSummary> unfinished() {
        return delegate.unfinished();
    }

    @Override
    public boolean tryClaim(SagaId sagaId, String owner, Instant now, Instant leaseUntil) {
        return delegate.tryClaim(sagaId, owner, now, leaseUntil);
    }

    @Override
    public boolean ownerGone(String owner) {
        return delegate.ownerGone(owner);
    }

    @Override
    public boolean tryTakeOver(SagaId sagaId, String owner, Instant now, Instant leaseUntil) {
        return delegate.tryTakeOver(sagaId, owner, now, leaseUntil);
    }

    @Override
    public List<SagaSummary> list(SagaState state) {
        return delegate.list(state);
    }
}
