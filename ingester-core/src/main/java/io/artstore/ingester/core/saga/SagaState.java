package io.artstore.ingester.core.saga;

import java.util.List;

/** Where a saga stands, as its log shows it. */
public enum SagaState {
    /** Going forward: no compensation has begun. */
    RUNNING,
    /** Undoing the steps it took, last first. */
    COMPENSATING,
    /** Every step succeeded. */
    COMPLETED,
    /** Every step taken was undone. */
    COMPENSATED,
    /** A compensation kept failing: parked until an operator looks at it. */
    FAILED_COMPENSATION;

    /** True for the states in which the saga is driven no further without an operator. */
    public boolean isEnded() {
        return this == COMPLETED || this == COMPENSATED || this == FAILED_COMPENSATION;
    }

    /** The state the records show. The records are one saga's, in log order, and at least one. */
    public static SagaState of(List<SagaRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a saga's state needs at least one record");
        }
        SagaState state = RUNNING;
        for (SagaRecord record : records) {
            switch (record.kind()) {
                case COMPENSATION_STARTED, COMPENSATION_SUCCEEDED, COMPENSATION_FAILED, SAGA_RESUMED -> state = COMPENSATING;
                case SAGA_COMPLETED -> state = COMPLETED;
                case SAGA_COMPENSATED -> state = COMPENSATED;
                case SAGA_PARKED -> state = FAILED_COMPENSATION;
                default -> {
                    // Forward records and lease claims leave the state as it is.
                }
            }
        }
        return state;
    }
}
