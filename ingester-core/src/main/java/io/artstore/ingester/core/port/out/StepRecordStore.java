package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.port.in.CommandKey;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * An {@link IdempotencyStore} that keeps one {@link StepRecord} per (saga id, step) and decides every command by the
 * record's own rules: an implementation supplies only where the record lives and the atomic read-change-write.
 */
public abstract class StepRecordStore implements IdempotencyStore {

    /**
     * Applies {@code operation} to the record of {@code key}'s step ({@link StepRecord#none} when there is none),
     * keeps the next record it returns, if any, and returns its answer; atomically with respect to every other change
     * of that step, and durably as the store promises before it returns.
     */
    protected abstract <T> T change(CommandKey key, Function<StepRecord, StepRecord.Change<T>> operation);

    @Override
    public final Claim claim(CommandKey key, String owner, Instant now, Duration lease) {
        return change(key, record -> record.claim(key.action(), owner, now, lease));
    }

    @Override
    public final boolean renew(CommandKey key, String owner, Instant now, Duration lease) {
        return change(key, record -> record.renew(key.action(), owner, now, lease));
    }

    @Override
    public final boolean complete(CommandKey key, String owner, String reply) {
        return change(key, record -> record.complete(key.action(), owner, reply));
    }

    @Override
    public final void release(CommandKey key, String owner) {
        change(key, record -> record.release(key.action(), owner));
    }

    @Override
    public final boolean markDelivered(CommandKey key) {
        return change(key, record -> record.markDelivered(key.action()));
    }
}
