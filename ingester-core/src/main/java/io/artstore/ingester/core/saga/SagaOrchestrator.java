package io.artstore.ingester.core.saga;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.port.out.TraceSpan;
import io.artstore.ingester.core.port.out.Tracing;
import io.artstore.ingester.core.saga.SagaDecision.Compensate;
import io.artstore.ingester.core.saga.SagaDecision.Compensated;
import io.artstore.ingester.core.saga.SagaDecision.Complete;
import io.artstore.ingester.core.saga.SagaDecision.Park;
import io.artstore.ingester.core.saga.SagaDecision.RetryAfter;
import io.artstore.ingester.core.saga.SagaDecision.RunStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Carries out what the {@link SagaEngine} decides: logs a step's intent, runs it, logs its outcome, asks
 * again, until the saga ends. Thread-safe; each saga is driven by one thread at a time.
 */
public final class SagaOrchestrator {

    /**
     * @param instanceId this instance, as recorded as the owner of the sagas it drives
     * @param lease how long a record keeps the saga ours; longer than any one step takes
     * @param maxRetryWait how long one run may wait for retries before it leaves the saga to recovery
     */
    public record Settings(String instanceId, Duration lease, Duration maxRetryWait) {

        public Settings {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(maxRetryWait, "maxRetryWait");
            if (instanceId.isBlank() || lease.isNegative() || lease.isZero() || maxRetryWait.isNegative()) {
                throw new IllegalArgumentException("saga settings need an instance id, a positive lease and a"
                        + " retry wait of zero or more, got '" + instanceId + "', " + lease + ", " + maxRetryWait);
            }
        }
    }

    /** A saga type at one version of its step layout. */
    private record Layout(String type, int version) {
        static Layout of(SagaDefinition<?> definition) {
            return new Layout(definition.name(), definition.version());
        }

        static Layout of(SagaRecord record) {
            return new Layout(record.sagaType(), record.definitionVersion());
        }
    }

    private final SagaLog log;
    private final Map<Layout, SagaDefinition<?>> definitions;
    private final Map<String, Integer> newestVersions;
    private final SagaEngine engine;
    private final Settings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final SagaListener listener;
    private final Tracing tracing;
    private final Set<SagaId> driving = ConcurrentHashMap.newKeySet();

    /**
     * @param definitions every saga this instance can recover, by {@link SagaDefinition#name()} and {@link
     *     SagaDefinition#version()}: the current layouts, and the earlier ones sagas may still be left in
     */
    public SagaOrchestrator(SagaLog log, Collection<? extends SagaDefinition<?>> definitions, SagaEngine engine,
            Settings settings, Clock clock, Sleeper sleeper, SagaListener listener) {
        this(log, definitions, engine, settings, clock, sleeper, listener, Tracing.NONE);
    }

    /** @param tracing told of a span for each saga a recovery sweep takes over, around the spans of its steps */
    public SagaOrchestrator(SagaLog log, Collection<? extends SagaDefinition<?>> definitions, SagaEngine engine,
            Settings settings, Clock clock, Sleeper sleeper, SagaListener listener, Tracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.log = Objects.requireNonNull(log, "log");
        this.definitions = definitions.stream().collect(Collectors.toUnmodifiableMap(Layout::of, Function.identity()));
        this.newestVersions = definitions.stream().collect(Collectors.toUnmodifiableMap(SagaDefinition::name,
                SagaDefinition::version, Math::max));
        this.engine = Objects.requireNonNull(engine, "engine");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Starts a saga and drives it until it ends or its next retry is further off than the settings allow.
     *
     * @throws IngestException {@code CONFLICT} when the id is taken or another instance took the saga over;
     *     whatever the log throws when it cannot write, in which case recovery finishes the saga later
     * @throws IllegalArgumentException when a newer version of the saga is known: earlier ones are for recovery
     */
    public <D> SagaResult<D> run(SagaDefinition<D> definition, SagaId sagaId, D data) {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(data, "data");
        int newest = newestVersions.getOrDefault(definition.name(), definition.version());
        if (definition.version() < newest) {
            throw new IllegalArgumentException(definition + " is kept to recover sagas started with it; new ones run version "
                    + newest);
        }
        if (!driving.add(sagaId)) {
            throw IngestException.conflict("saga_running", "saga " + sagaId + " is already running here");
        }
        try {
            Run<D> run = new Run<>(definition, sagaId, new ArrayList<>());
            run.append(SagaRecord.Kind.SAGA_STARTED, SagaRecord.NO_STEP, 0, definition.format().write(data), Optional.empty());
            return run.drive();
        } finally {
            driving.remove(sagaId);
        }
    }

    /**
     * Takes over every unfinished saga whose lease has expired, whose owner the log knows to be gone
     * ({@link SagaLog#ownerGone}), or that this instance owns but drives no more, and drives it to its end: forward when it is past its point of no return or still may succeed,
     * backward otherwise. A saga that cannot be driven is reported to the listener and left for the next
     * sweep.
     *
     * <p>A saga of this instance id that no thread of this process drives was left by an earlier process
     * of the same instance, which is dead: the log lets one process at a time hold an instance id. Its
     * sagas are taken at once, without waiting for their leases.
     *
     * @return where each saga taken over stood afterwards
     */
    public List<SagaResult<?>> recover() {
        List<SagaResult<?>> results = new ArrayList<>();
        // Asked once per owner and sweep: whether the log knows the instance is dead (its instance lease expired).
        Map<String, Boolean> gone = new HashMap<>();
        for (SagaSummary summary : log.unfinished()) {
            // The layout the saga was started with, which its step indexes refer to.
            SagaDefinition<?> definition = definitions.get(Layout.of(summary.latest()));
            String owner = summary.latest().owner();
            boolean ours = owner.equals(settings.instanceId());
            if (definition == null) {
                continue;
            }
            boolean takeable;
            try {
                takeable = ours || summary.leaseExpiredAt(clock.instant())
                        || gone.computeIfAbsent(owner, log::ownerGone);
            } catch (RuntimeException failure) {
                listener.recoveryFailed(summary.sagaId(), failure);
                continue;
            }
            if (!takeable || !driving.add(summary.sagaId())) {
                continue;
            }
            try {
                Instant now = clock.instant();
                if (log.tryTakeOver(summary.sagaId(), settings.instanceId(), now, now.plus(settings.lease()))) {
                    try (TraceSpan span = tracing.start("saga.recover", Map.of("artstore.saga_id", summary.sagaId().toString(),
                            "artstore.saga.type", definition.name(), "artstore.saga.previous_owner", owner))) {
                        SagaResult<?> result = resume(definition, summary.sagaId());
                        span.attribute("artstore.saga.state", result.state().toString());
                        results.add(result);
                    }
                }
            } catch (RuntimeException failure) {
                listener.recoveryFailed(summary.sagaId(), failure);
            } finally {
                driving.remove(summary.sagaId());
            }
        }
        return results;
    }

    /**
     * Sends a saga parked in {@code FAILED_COMPENSATION} back to its compensations, with a fresh count of
     * attempts, and drives it as {@link #run} does; for an operator who has mended what made them fail.
     *
     * @throws IngestException {@code NOT_FOUND} for an unknown saga; {@code CONFLICT} when it is not parked
     *     or this instance cannot run its type
     */
    public SagaResult<?> retry(SagaId sagaId) {
        List<SagaRecord> records = log.load(sagaId);
        if (records.isEmpty()) {
            throw IngestException.notFound("saga_not_found", "no saga has the id " + sagaId);
        }
        SagaRecord latest = records.get(records.size() - 1);
        if (latest.kind() != SagaRecord.Kind.SAGA_PARKED) {
            throw IngestException.conflict("saga_not_parked", "saga " + sagaId + " is " + SagaState.of(records)
                    + "; only a saga parked in FAILED_COMPENSATION can be retried");
        }
        SagaDefinition<?> definition = definitions.get(Layout.of(latest));
        if (definition == null) {
            throw IngestException.conflict("saga_type_unknown", "saga " + sagaId + " is a '" + latest.sagaType()
                    + "' saga of version " + latest.definitionVersion() + ", which this instance does not run");
        }
        if (!driving.add(sagaId)) {
            throw IngestException.conflict("saga_running", "saga " + sagaId + " is already running here");
        }
        try {
            return retry(definition, sagaId, records);
        } finally {
            driving.remove(sagaId);
        }
    }

    private <D> SagaResult<D> retry(SagaDefinition<D> definition, SagaId sagaId, List<SagaRecord> records) {
        Run<D> run = new Run<>(definition, sagaId, new ArrayList<>(records));
        run.append(SagaRecord.Kind.SAGA_RESUMED, SagaRecord.NO_STEP, 0, records.get(records.size() - 1).data(), Optional.empty());
        return run.drive();
    }

    private <D> SagaResult<D> resume(SagaDefinition<D> definition, SagaId sagaId) {
        return new Run<>(definition, sagaId, new ArrayList<>(log.load(sagaId))).drive();
    }

    /** One saga being driven: its definition and its records so far. */
    private final class Run<D> {

        private final SagaDefinition<D> definition;
        private final SagaId sagaId;
        private final List<SagaRecord> records;
        private Optional<Exception> stepCause = Optional.empty();
        private Optional<Exception> compensationCause = Optional.empty();
        private Duration waited = Duration.ZERO;

        Run(SagaDefinition<D> definition, SagaId sagaId, List<SagaRecord> records) {
            this.definition = definition;
            this.sagaId = sagaId;
            this.records = records;
        }

        SagaResult<D> drive() {
            while (true) {
                SagaDecision decision = engine.decide(definition, records, clock.instant());
                listener.decided(sagaId, decision);
                if (decision instanceof RunStep step) {
                    attempt(step.step(), false, step.attempt(), step.earlierAttemptUnfinished());
                } else if (decision instanceof Compensate step) {
                    attempt(step.step(), true, step.attempt(), step.earlierAttemptUnfinished());
                } else if (decision instanceof RetryAfter retry) {
                    if (waited.plus(retry.delay()).compareTo(settings.maxRetryWait()) > 0) {
                        return result();
                    }
                    pause(retry.delay());
                    waited = waited.plus(retry.delay());
                } else if (decision instanceof Complete) {
                    append(SagaRecord.Kind.SAGA_COMPLETED, SagaRecord.NO_STEP, 0, latest().data(), Optional.empty());
                    return result();
                } else if (decision instanceof Compensated) {
                    append(SagaRecord.Kind.SAGA_COMPENSATED, SagaRecord.NO_STEP, 0, latest().data(), Optional.empty());
                    return result();
                } else if (decision instanceof Park park) {
                    append(SagaRecord.Kind.SAGA_PARKED, SagaRecord.NO_STEP, 0, latest().data(),
                            Optional.of(StepFailure.permanent(park.reason())));
                    return result();
                }
            }
        }

        private void attempt(int index, boolean compensating, int number, boolean earlierAttemptUnfinished) {
            StepDefinition<D> step = definition.step(index);
            SagaStep<D> action = compensating ? step.compensation().orElseThrow() : step.action();
            Map<String, String> before = latest().data();
            if (!compensating && step.startDurableWithNext()) {
                appendDurableWithNext(SagaRecord.Kind.STEP_STARTED, index, number, before);
            } else {
                append(compensating ? SagaRecord.Kind.COMPENSATION_STARTED : SagaRecord.Kind.STEP_STARTED, index, number, before, Optional.empty());
            }
            StepAttempt attempt = new StepAttempt(sagaId, step.name(), compensating, number, earlierAttemptUnfinished);
            D after;
            Optional<StepFailure> failure;
            try {
                after = action.run(definition.format().read(before), attempt);
                failure = after == null
                        ? Optional.of(StepFailure.permanent("step '" + step.name() + "' returned no data, which is a fault of the step"))
                        : Optional.empty();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw interruptedDuring(interrupted);
            } catch (Exception thrown) {
                after = null;
                failure = Optional.of(definition.classifier().classify(thrown));
                listener.attemptFailed(sagaId, compensating, thrown);
                if (compensating) {
                    compensationCause = Optional.of(thrown);
                } else {
                    stepCause = Optional.of(thrown);
                }
            }
            if (failure.isPresent()) {
                append(compensating ? SagaRecord.Kind.COMPENSATION_FAILED : SagaRecord.Kind.STEP_FAILED, index, number, before, failure);
                return;
            }
            append(compensating ? SagaRecord.Kind.COMPENSATION_SUCCEEDED : SagaRecord.Kind.STEP_SUCCEEDED, index, number,
                    definition.format().write(after), Optional.empty());
        }

        private void pause(Duration delay) {
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw interruptedDuring(interrupted);
            }
        }

        private IngestException interruptedDuring(InterruptedException interrupted) {
            return new IngestException(IngestException.Kind.UNAVAILABLE, "saga_interrupted", "saga " + sagaId
                    + " was interrupted; recovery finishes it once its lease expires", interrupted);
        }

        void append(SagaRecord.Kind kind, int step, int attempt, Map<String, String> data, Optional<StepFailure> failure) {
            SagaRecord record = record(kind, step, attempt, data, failure);
            log.append(record);
            records.add(record);
            listener.recorded(record);
        }

        /** As {@link #append}, for a record that the saga's next one may make durable (see {@link StepDefinition}). */
        private void appendDurableWithNext(SagaRecord.Kind kind, int step, int attempt, Map<String, String> data) {
            SagaRecord record = record(kind, step, attempt, data, Optional.empty());
            log.appendDurableWithNext(record);
            records.add(record);
            listener.recorded(record);
        }

        private SagaRecord record(SagaRecord.Kind kind, int step, int attempt, Map<String, String> data, Optional<StepFailure> failure) {
            Instant now = clock.instant();
            return new SagaRecord(sagaId, definition.name(), definition.version(), records.size(), kind, step,
                    attempt, now, settings.instanceId(), now.plus(settings.lease()), data, failure, VectorClock.empty());
        }

        private SagaRecord latest() {
            return records.get(records.size() - 1);
        }

        /** On failure: why the saga turned back, or for a parked saga why it could not. */
        private SagaResult<D> result() {
            SagaState state = SagaState.of(records);
            D data = definition.format().read(latest().data());
            if (state == SagaState.COMPLETED) {
                return new SagaResult<>(sagaId, state, data, Optional.empty(), Optional.empty());
            }
            if (state == SagaState.FAILED_COMPENSATION) {
                return new SagaResult<>(sagaId, state, data, latest().failure(), compensationCause);
            }
            Optional<StepFailure> failure = records.stream().filter(record -> record.kind() == SagaRecord.Kind.STEP_FAILED)
                    .reduce((earlier, later) -> later).flatMap(SagaRecord::failure);
            return new SagaResult<>(sagaId, state, data, failure, failure.isPresent() ? stepCause : Optional.empty());
        }
    }
}
