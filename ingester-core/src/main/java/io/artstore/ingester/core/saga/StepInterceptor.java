package io.artstore.ingester.core.saga;

/**
 * Wraps every action and compensation of a definition, for tracing, metrics or fault injection in tests.
 *
 * @param <D> the saga's data
 */
@FunctionalInterface
public interface StepInterceptor<D> {

    /** Runs around one attempt; calls {@code proceed} to perform it (or not). */
    D intercept(D data, StepAttempt attempt, SagaStep<D> proceed) throws Exception;
}
