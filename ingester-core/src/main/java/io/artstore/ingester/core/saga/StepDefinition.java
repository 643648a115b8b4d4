package io.artstore.ingester.core.saga;

import java.util.Objects;
import java.util.Optional;

/**
 * One step of a {@link SagaDefinition}: its name, its kind, its action and, if it has one, its compensation.
 *
 * <p>{@code startDurableWithNext}: a retriable step whose action has the same effect however often it runs and
 * whatever its {@link StepAttempt} says, or a compensable step that leaves nothing outside the log. Its start may
 * become durable only with the saga's next record
 * (see {@link io.artstore.ingester.core.port.out.SagaLog#appendDurableWithNext}): recovery that lost the start of a
 * retriable step runs it again as a first attempt, which such a step allows; recovery that lost the start of a
 * compensable step undoes the steps before it, and the step itself had nothing to undo. A step that tells a first
 * attempt from a repeated one needs its start forced before it acts, and so does the pivot and every compensable
 * step with an effect (recovery must find the effect to undo it).
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
        if (startDurableWithNext && kind == StepKind.PIVOT) {
            throw new IllegalArgumentException("step '" + name + "' is " + kind + ": only a retriable step, or a compensable one"
                    + " without effect, may start without a forced record");
        }
    }
}
