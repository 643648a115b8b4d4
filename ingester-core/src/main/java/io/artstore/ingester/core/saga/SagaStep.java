package io.artstore.ingester.core.saga;

/**
 * The action of one step, or of its compensation. It must be idempotent on (saga id, step): after a crash
 * it may run again although an earlier attempt took effect, which {@link StepAttempt#earlierAttemptUnfinished}
 * hints at. A compensation must also succeed when the effect it undoes never happened, since a step that
 * fails may or may not have taken effect.
 *
 * @param <D> the saga's data
 */
@FunctionalInterface
public interface SagaStep<D> {

    /**
     * Performs the side effect.
     *
     * @return the saga's data as the step leaves it (the same value when the step learns nothing new)
     * @throws Exception when the attempt failed; the definition's {@link FailureClassifier} decides whether
     *     another attempt may help
     */
    D run(D data, StepAttempt attempt) throws Exception;
}
