package io.artstore.ingester.core.participant;

import io.artstore.ingester.core.port.in.CommandKey;
import io.artstore.ingester.core.port.out.IdempotencyStore;
import io.artstore.ingester.core.port.out.StepRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** An {@link IdempotencyStore} in memory, for tests: the rules of {@link StepRecord}, one record per step. */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    private final Map<String, StepRecord> records = new HashMap<>();

    private synchronized <T> T change(CommandKey key, Function<StepRecord, StepRecord.Change<T>> operation) {
        StepRecord current = records.getOrDefault(key.stepKey(), StepRecord.none(Instant.now()));
        StepRecord.Change<T> change = operation.apply(current);
        change.next().ifPresent(next -> records.put(key.stepKey(), next));
        return change.answer();
    }

    @Override
    public Claim claim(CommandKey key, String owner, Instant now, Duration lease) {
        return change(key, record -> record.claim(key.action(), owner, now, lease));
    }

    @Override
    public boolean renew(CommandKey key, String owner, Instant now, Duration lease) {
        return change(key, record -> record.renew(key.action(), owner, now, lease));
    }

    @Override
    public boolean complete(CommandKey key, String owner, String reply) {
        return change(key, record -> record.complete(key.action(), owner, reply));
    }

    @Override
    public void release(CommandKey key, String owner) {
        change(key, record -> record.release(key.action(), owner));
    }

    @Override
    public boolean markDelivered(CommandKey key) {
        return change(key, record -> record.markDelivered(key.action()));
    }
}
