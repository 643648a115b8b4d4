package io.artstore.ingester.core.saga.testing;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaLogRules;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A saga log in memory, shared by every instance that uses the same object. */
public final class InMemorySagaLog implements SagaLog {

    private final Map<SagaId, List<SagaRecord>> sagas = new LinkedHashMap<>();

    @Override
    public synchronized void append(SagaRecord record) {
        List<SagaRecord> log = sagas.getOrDefault(record.sagaId(), List.of());
        SagaLogRules.requireAppendable(log, record);
        sagas.computeIfAbsent(record.sagaId(), id -> new ArrayList<>()).add(record);
    }

    @Override
    public synchronized List<SagaRecord> load(SagaId sagaId) {
        return List.copyOf(sagas.getOrDefault(sagaId, List.of()));
    }

    @Override
    public synchronized List<SagaSummary> unfinished() {
        return sagas.values().stream().map(SagaSummary::of).filter(summary -> !summary.state().isEnded()).toList();
    }

    @Override
    public synchronized boolean tryClaim(SagaId sagaId, String owner, Instant now, Instant leaseUntil) {
        Optional<SagaRecord> claim = SagaLogRules.claim(sagas.getOrDefault(sagaId, List.of()), owner, now, leaseUntil);
        // The claim is the one record another instance may add; the rules that made it checked the lease.
        claim.ifPresent(record -> sagas.get(sagaId).add(record));
        return claim.isPresent();
    }

    @Override
    public synchronized List<SagaSummary> list(SagaState state) {
        return sagas.values().stream().map(SagaSummary::of).filter(summary -> summary.state() == state).toList();
    }
}
