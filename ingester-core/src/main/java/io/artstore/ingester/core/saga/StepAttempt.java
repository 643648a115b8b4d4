package io.artstore.ingester.core.saga;

import java.util.Objects;

/**
 * Which attempt of which step a {@link SagaStep} is asked to perform.
 *
 * @param step the step's name
 * @param compensating true when the step's compensation, not its action, is asked for
 * @param number the attempt, from 1
 * @param earlierAttemptUnfinished true when an earlier attempt was logged as started but never as ended:
 *     the process died during it, so its side effect may or may not have happened
 */
public record StepAttempt(SagaId sagaId, String step, boolean compensating, int number, boolean earlierAttemptUnfinished) {

    public StepAttempt {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(step, "step");
        if (number < 1) {
            throw new IllegalArgumentException("attempt number must be 1 or more, got " + number);
        }
    }

    /** True for the first try of a step that no process has attempted before. */
    public boolean isFirst() {
        return number == 1 && !earlierAttemptUnfinished;
    }
}
