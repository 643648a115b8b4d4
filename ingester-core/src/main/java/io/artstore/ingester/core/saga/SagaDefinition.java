package io.artstore.ingester.core.saga;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A saga as a sequence of steps that reads like the process it runs:
 *
 * <pre>{@code
 * SagaDefinition.named("delete-file", DeleteData.FORMAT)
 *         .step("mark-deleting").invoke(steps::markDeleting).withCompensation(steps::unmark)
 *         .step("delete-from-element").invoke(steps::deleteFromElement).pivot()
 *         .step("forget-file").invoke(steps::forget).retriable()
 *         .timeout(Duration.ofMinutes(5))
 *         .build();
 * }</pre>
 *
 * Compensable steps come first, then at most one pivot, then retriable steps. Without a pivot, the saga
 * passes its point of no return when its last compensable step succeeds.
 *
 * <p>The log names a step by its index, so a saga type whose steps change (one inserted, removed or moved)
 * gets a new {@link #version()}: each saga records the version it started with, and recovery reads it with
 * the definition of that version, which is kept for as long as such sagas may be left unfinished.
 *
 * @param <D> the saga's data, which the steps read and return
 */
public final class SagaDefinition<D> {

    private final String name;
    private final int version;
    private final SagaDataFormat<D> format;
    private final List<StepDefinition<D>> steps;
    private final Duration timeout;
    private final RetryPolicy retryPolicy;
    private final FailureClassifier classifier;
    private final int lastUndoableStep;

    private SagaDefinition(String name, int version, SagaDataFormat<D> format, List<StepDefinition<D>> steps, Duration timeout,
            RetryPolicy retryPolicy, FailureClassifier classifier) {
        this.name = name;
        this.version = version;
        this.format = format;
        this.steps = List.copyOf(steps);
        this.timeout = timeout;
        this.retryPolicy = retryPolicy;
        this.classifier = classifier;
        this.lastUndoableStep = lastUndoableStep(this.steps);
    }

    /** Starts a definition whose data is a value of its own, written to the log by {@code format}. */
    public static <D> Builder<D> named(String name, SagaDataFormat<D> format) {
        return new Builder<>(name, format);
    }

    /** Starts a definition whose data is plain string pairs. */
    public static Builder<Map<String, String>> named(String name) {
        return new Builder<>(name, SagaDataFormat.pairs());
    }

    /** The saga type, as recorded in the log. */
    public String name() {
        return name;
    }

    /** The version of the step layout, as recorded in the log with each saga; 1 unless set. */
    public int version() {
        return version;
    }

    public SagaDataFormat<D> format() {
        return format;
    }

    public List<StepDefinition<D>> steps() {
        return steps;
    }

    public StepDefinition<D> step(int index) {
        return steps.get(index);
    }

    /** The step's index, or an exception naming the steps there are. */
    public int indexOf(String stepName) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(stepName)) {
                return i;
            }
        }
        throw new IllegalArgumentException("saga '" + name + "' has no step '" + stepName + "'; its steps are "
                + steps.stream().map(StepDefinition::name).toList());
    }

    /** How long the saga may take before the pivot; past it the saga is compensated instead. */
    public Duration timeout() {
        return timeout;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public FailureClassifier classifier() {
        return classifier;
    }

    /**
     * The index of the last step the saga can still be undone before: once it has succeeded, the saga only
     * goes forward. The pivot, or the last compensable step when there is no pivot; -1 when the first step
     * is already retriable; the last step's index when every step is compensable (the saga can always be
     * undone until it completes).
     */
    public int lastUndoableStep() {
        return lastUndoableStep;
    }

    /** The same saga with every action and compensation run through {@code interceptor}. */
    public SagaDefinition<D> intercepted(StepInterceptor<D> interceptor) {
        Objects.requireNonNull(interceptor, "interceptor");
        List<StepDefinition<D>> wrapped = steps.stream()
                .map(step -> new StepDefinition<>(step.name(), step.kind(), wrap(step.action(), interceptor),
                        step.compensation().map(compensation -> wrap(compensation, interceptor)), step.startDurableWithNext()))
                .toList();
        return new SagaDefinition<>(name, version, format, wrapped, timeout, retryPolicy, classifier);
    }

    private static <D> SagaStep<D> wrap(SagaStep<D> step, StepInterceptor<D> interceptor) {
        return (data, attempt) -> interceptor.intercept(data, attempt, step);
    }

    private static int lastUndoableStep(List<? extends StepDefinition<?>> steps) {
        int lastCompensable = -1;
        for (int i = 0; i < steps.size(); i++) {
            switch (steps.get(i).kind()) {
                case PIVOT -> {
                    return i;
                }
                case COMPENSABLE -> lastCompensable = i;
                case RETRIABLE -> {
                    return lastCompensable;
                }
            }
        }
        return lastCompensable;
    }

    @Override
    public String toString() {
        return "saga '" + name + "'" + (version == 1 ? " " : " version " + version + " ") + steps.stream().map(step -> step.name() + " (" + step.kind() + ")").toList();
    }

    /** Collects the steps in order; {@link #build()} checks that they make a saga. */
    public static final class Builder<D> {

        private final String name;
        private final SagaDataFormat<D> format;
        private final List<StepDefinition<D>> steps = new ArrayList<>();
        private int version = 1;
        private Duration timeout = Duration.ofMinutes(30);
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private FailureClassifier classifier = FailureClassifier.standard();

        private Builder(String name, SagaDataFormat<D> format) {
            this.name = Objects.requireNonNull(name, "name");
            this.format = Objects.requireNonNull(format, "format");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a saga needs a name");
            }
        }

        public StepBuilder<D> step(String stepName) {
            return new StepBuilder<>(this, stepName);
        }

        /** The version of the step layout: raise it whenever a step is inserted, removed or moved. */
        public Builder<D> version(int layoutVersion) {
            if (layoutVersion < 1) {
                throw new IllegalArgumentException("saga '" + name + "': a version is 1 or more, got " + layoutVersion);
            }
            this.version = layoutVersion;
            return this;
        }

        public Builder<D> timeout(Duration sagaTimeout) {
            Objects.requireNonNull(sagaTimeout, "sagaTimeout");
            if (sagaTimeout.isNegative() || sagaTimeout.isZero()) {
                throw new IllegalArgumentException("saga timeout must be positive, got " + sagaTimeout);
            }
            this.timeout = sagaTimeout;
            return this;
        }

        public Builder<D> retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder<D> classifyFailuresWith(FailureClassifier failureClassifier) {
            this.classifier = Objects.requireNonNull(failureClassifier, "failureClassifier");
            return this;
        }

        public SagaDefinition<D> build() {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("saga '" + name + "' has no steps");
            }
            Set<String> names = new HashSet<>();
            StepKind previous = StepKind.COMPENSABLE;
            for (StepDefinition<D> step : steps) {
                if (!names.add(step.name())) {
                    throw new IllegalArgumentException("saga '" + name + "' has two steps named '" + step.name() + "'");
                }
                if (step.kind().compareTo(previous) < 0 || step.kind() == StepKind.PIVOT && previous == StepKind.PIVOT) {
                    throw new IllegalArgumentException("saga '" + name + "': step '" + step.name() + "' is " + step.kind()
                            + " but follows a " + previous + " step; compensable steps come first, then one pivot,"
                            + " then retriable steps");
                }
                previous = step.kind();
            }
            return new SagaDefinition<>(name, version, format, steps, timeout, retryPolicy, classifier);
        }

        private Builder<D> add(StepDefinition<D> step) {
            steps.add(step);
            return this;
        }
    }

    /** A step that has a name and waits for its action. */
    public static final class StepBuilder<D> {

        private final Builder<D> saga;
        private final String name;

        private StepBuilder(Builder<D> saga, String name) {
            this.saga = saga;
            this.name = Objects.requireNonNull(name, "name");
        }

        public ActionBuilder<D> invoke(SagaStep<D> action) {
            return new ActionBuilder<>(saga, name, Objects.requireNonNull(action, "action"));
        }
    }

    /** A step with its action, waiting to be told what kind of step it is. */
    public static final class ActionBuilder<D> {

        private final Builder<D> saga;
        private final String name;
        private final SagaStep<D> action;

        private ActionBuilder(Builder<D> saga, String name, SagaStep<D> action) {
            this.saga = saga;
            this.name = name;
            this.action = action;
        }

        /** A compensable step, undone by {@code compensation} when the saga fails before its point of no return. */
        public Builder<D> withCompensation(SagaStep<D> compensation) {
            return saga.add(new StepDefinition<>(name, StepKind.COMPENSABLE, action,
                    Optional.of(Objects.requireNonNull(compensation, "compensation"))));
        }

        /**
         * A compensable step that, as this saga is set up, leaves nothing outside the log that recovery could undo (a
         * call to a collaborator the deployment does not have, or a claim that recovery never releases): its start is
         * not forced before it acts but made durable with the saga's next record (see {@link StepDefinition}). Losing
         * it in a crash loses a step that left nothing to undo; recovery undoes the steps before it as it would have
         * undone them had the crash come just before the step.
         */
        public Builder<D> withCompensationOfNoEffect(SagaStep<D> compensation) {
            return saga.add(new StepDefinition<>(name, StepKind.COMPENSABLE, action,
                    Optional.of(Objects.requireNonNull(compensation, "compensation")), true));
        }

        /** A step before the pivot that leaves nothing to undo, such as a check. */
        public Builder<D> withoutCompensation() {
            return saga.add(new StepDefinition<>(name, StepKind.COMPENSABLE, action, Optional.empty()));
        }

        /** The saga's point of no return. */
        public Builder<D> pivot() {
            return saga.add(new StepDefinition<>(name, StepKind.PIVOT, action, Optional.empty()));
        }

        /** A step after the point of no return, retried until it succeeds. */
        public Builder<D> retriable() {
            return saga.add(new StepDefinition<>(name, StepKind.RETRIABLE, action, Optional.empty()));
        }

        /**
         * A retriable step whose action is idempotent on its own, whatever its attempt: its start is not forced
         * before it acts but made durable with the saga's next record (see {@link StepDefinition}).
         */
        public Builder<D> retriableIdempotent() {
            return saga.add(new StepDefinition<>(name, StepKind.RETRIABLE, action, Optional.empty(), true));
        }
    }
}
