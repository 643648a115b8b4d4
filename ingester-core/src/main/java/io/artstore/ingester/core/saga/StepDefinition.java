package io.artstore.ingester.core.saga;

import java.util.Objects;
import java.util.Optional;

/**
 * One step of a {@link SagaDefinition}: its name, its kind, its action and, if it has one, its compensation.
 *
 * <p>{@code startDurableWithNext}: a retriable step whose action has the same effect however often it runs and
 * whatever its {@link StepAttempt} says. Its start may become durable only with the saga's next record
 * (see {@link io.artstore.ingester.core.port.out.SagaLog#appendDurableWithNext}): recovery that lost it runs the
 * step again as a first attempt, which such a step allows. A step that tells a first attempt from a repeated one
 * (to publish an event once, say) needs its start forced before it acts.
 */
public record StepDefinition<D>(String name, StepKind kind, SagaStep<D> action, Optional<SagaStep<D>> compensation,
        boolean startDurableWithNext) {

    public StepDefinition(String name, StepKind kind, SagaStep<D> action, Optional<SagaStep<D>> compensation) {
        this(name, kind, action, compensation, false);
    }

    public StepDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(compensation, "compensation");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a step needs a name");
        }
        if (compensation.isPresent() && kind != StepKind.COMPENSABLE) {
            throw new IllegalArgumentException("step '" + name + "' is " + kind + ": only steps before the pivot have a compensation");
        }
        if (startDurableWithNext && kind != StepKind.RETRIABLE) {
            throw new IllegalArgumentException("step '" + name + "' is " + kind + ": only a retriable step may start without a forced record");
        }
    }
}
