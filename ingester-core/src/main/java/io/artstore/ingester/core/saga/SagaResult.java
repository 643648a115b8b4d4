package io.artstore.ingester.core.saga;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a saga stood when the orchestrator stopped driving it.
 *
 * @param state {@code COMPLETED}, {@code COMPENSATED} or {@code FAILED_COMPENSATION} when it ended;
 *     {@code RUNNING} or {@code COMPENSATING} when it was handed to recovery because its next retry was
 *     too far off
 * @param data the saga's data as its last step left it
 * @param failure the latest failure of a step, or why the saga was parked; empty when nothing failed
 * @param cause the exception behind {@code failure}, when it was thrown in this run
 */
public record SagaResult<D>(SagaId sagaId, SagaState state, D data, Optional<StepFailure> failure, Optional<Exception> cause) {

    public SagaResult {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(cause, "cause");
    }
}
