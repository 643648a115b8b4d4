package io.artstore.ingester.core.saga;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One saga as an operator or a recovery sweep sees it: its state and its latest record.
 *
 * @param startedAt when its first record was written
 * @param latest its latest record: the owner, the lease, the step it is at and the current data
 */
public record SagaSummary(SagaId sagaId, String sagaType, SagaState state, Instant startedAt, SagaRecord latest) {

    public SagaSummary {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(sagaType, "sagaType");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(latest, "latest");
    }

    /** The summary of one saga's records, in log order. */
    public static SagaSummary of(List<SagaRecord> records) {
        SagaRecord first = records.get(0);
        return new SagaSummary(first.sagaId(), first.sagaType(), SagaState.of(records), first.at(),
                records.get(records.size() - 1));
    }

    public boolean leaseExpiredAt(Instant now) {
        return latest.leaseExpiredAt(now);
    }
}
