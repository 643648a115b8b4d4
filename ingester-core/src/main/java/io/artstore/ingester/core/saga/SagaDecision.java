package io.artstore.ingester.core.saga;

import java.time.Duration;
import java.util.Objects;

/** What the {@link SagaEngine} says to do next with a saga. */
public sealed interface SagaDecision {

    /**
     * Run a step's action: log its intent, act, log the outcome.
     *
     * @param earlierAttemptUnfinished an earlier attempt was logged as started but not as ended
     */
    record RunStep(int step, int attempt, boolean earlierAttemptUnfinished) implements SagaDecision {
        public RunStep {
            requireStepAndAttempt(step, attempt);
        }
    }

    /** Run a step's compensation: log its intent, undo, log the outcome. */
    record Compensate(int step, int attempt, boolean earlierAttemptUnfinished) implements SagaDecision {
        public Compensate {
            requireStepAndAttempt(step, attempt);
        }
    }

    /** Nothing to do until {@code delay} has passed; then ask again. */
    record RetryAfter(int step, boolean compensating, Duration delay) implements SagaDecision {
        public RetryAfter {
            Objects.requireNonNull(delay, "delay");
            if (step < 0 || delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("retry needs a step and a positive delay, got " + step + " and " + delay);
            }
        }
    }

    /** Every step succeeded: log that the saga completed. */
    record Complete() implements SagaDecision {
    }

    /** Every step taken was undone: log that the saga is compensated. */
    record Compensated() implements SagaDecision {
    }

    /** Stop and leave the saga to an operator, for the reason given. */
    record Park(SagaState state, String reason) implements SagaDecision {
        public Park {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(reason, "reason");
            if (state != SagaState.FAILED_COMPENSATION) {
                throw new IllegalArgumentException("a saga is parked only in FAILED_COMPENSATION, not " + state);
            }
        }
    }

    private static void requireStepAndAttempt(int step, int attempt) {
        if (step < 0 || attempt < 1) {
            throw new IllegalArgumentException("step must be 0 or more and attempt 1 or more, got " + step + " and " + attempt);
        }
    }
}
