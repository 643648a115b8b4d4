package io.artstore.ingester.core.participant;

import io.artstore.ingester.core.port.in.CommandKey;
import io.artstore.ingester.core.port.out.IdempotencyStore;
import io.artstore.ingester.core.port.out.StepRecord;
import io.artstore.ingester.core.port.out.StepRecordStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** An {@link IdempotencyStore} in memory, for tests: the rules of {@link StepRecord}, one record per step. */
public final class InMemoryIdempotencyStore extends StepRecordStore {

    private final Map<String, StepRecord> records = new HashMap<>();

    @Override
    protected synchronized <T> T change(CommandKey key, Function<StepRecord, StepRecord.Change<T>> operation) {
        StepRecord current = records.getOrDefault(key.stepKey(), StepRecord.none(Instant.now()));
        StepRecord.Change<T> change = operation.apply(current);
        change.next().ifPresent(next -> records.put(key.stepKey(), next));
        return change.answer();
    }
}
