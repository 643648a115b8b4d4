package io.artstore.ingester.core.saga;

import java.util.Objects;
import java.util.Optional;

/** One step of a {@link SagaDefinition}: its name, its kind, its action and, if it has one, its compensation. */
public record StepDefinition<D>(String name, StepKind kind, SagaStep<D> action, Optional<SagaStep<D>> compensation) {

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
    }
}
