package io.artstore.ingester.core.saga.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaResult;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaStep;
import io.artstore.ingester.core.saga.StepAttempt;
import io.artstore.ingester.core.saga.StepDefinition;
import io.artstore.ingester.core.saga.StepFailure;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Given a saga definition, when its steps fail in given ways, expect an outcome:
 *
 * <pre>{@code
 * given(addFile).whenStep("store").fails()
 *         .expectCompensations("store", "reserve-space")
 *         .expectState(COMPENSATED);
 * }</pre>
 *
 * The scenario runs the definition's own actions through an orchestrator on an in-memory log, a manual
 * clock and a sleeper that moves it, and injects faults around them. It keeps the <em>effects</em> in
 * place: a step's name once its action has run, removed once its compensation has, so that after a crash
 * one can check that the saga was finished or undone as a whole. The scenario runs at the first
 * expectation; later expectations look at the same run.
 *
 * <p>Injected transient faults are {@code UNAVAILABLE} and permanent ones {@code CONFLICT}
 * {@link IngestException}s, which the standard failure classifier sorts accordingly.
 */
public final class SagaScenario<D> {

    public static final SagaId SAGA_ID = new SagaId("scenario-saga");
    public static final String INSTANCE = "instance-a";
    public static final String RECOVERING_INSTANCE = "instance-b";
    public static final Duration LEASE = Duration.ofMinutes(1);

    private static final int ALWAYS = Integer.MAX_VALUE;

    private final SagaDefinition<D> definition;
    private final Map<String, Fault> stepFaults = new HashMap<>();
    private final Map<String, Fault> compensationFaults = new HashMap<>();
    private Optional<D> data = Optional.empty();
    private JitterSource jitter = JitterSource.hashed();
    private Duration maxRetryWait = Duration.ofDays(1);
    private OptionalInt crashAfterRecords = OptionalInt.empty();
    private boolean powerCut;
    private Outcome outcome;

    private SagaScenario(SagaDefinition<D> definition) {
        this.definition = definition;
    }

    public static <D> SagaScenario<D> given(SagaDefinition<D> definition) {
        return new SagaScenario<>(definition);
    }

    /** The saga's data at the start; by default what the definition reads from no fields at all. */
    public SagaScenario<D> startingWith(D initial) {
        this.data = Optional.of(initial);
        return unrun();
    }

    public SagaScenario<D> withJitter(JitterSource source) {
        this.jitter = source;
        return unrun();
    }

    /** How long one run may wait for retries before it leaves the saga to recovery; a day by default. */
    public SagaScenario<D> handingOffAfter(Duration wait) {
        this.maxRetryWait = wait;
        return unrun();
    }

    public StepFaults whenStep(String step) {
        definition.indexOf(step);
        return new StepFaults(step);
    }

    public CompensationFaults whenCompensationOf(String step) {
        if (definition.step(definition.indexOf(step)).compensation().isEmpty()) {
            throw new IllegalArgumentException("step '" + step + "' has no compensation");
        }
        return new CompensationFaults(step);
    }

    /**
     * The first instance dies before it can append record number {@code records} (counting from 0); another
     * instance then recovers the saga once the lease has expired.
     */
    public SagaScenario<D> crashingAfterRecords(int records) {
        this.crashAfterRecords = OptionalInt.of(records);
        return unrun();
    }

    /**
     * As {@link #crashingAfterRecords}, but the machine loses power: of the records before number {@code records},
     * those the log had not yet been asked to make durable are lost too (see {@link PowerCutSagaLog}).
     */
    public SagaScenario<D> losingPowerBeforeRecord(int records) {
        this.powerCut = true;
        return crashingAfterRecords(records);
    }

    // --- Expectations ---

    public SagaScenario<D> expectState(SagaState state) {
        assertThat(outcome().state()).as("state of the saga").isEqualTo(state);
        return this;
    }

    /** Every attempt of a step's action, in order. */
    public SagaScenario<D> expectStepsAttempted(String... steps) {
        assertThat(outcome().stepAttempts).as("step attempts").containsExactly(steps);
        return this;
    }

    /** The steps whose compensation succeeded, in order. */
    public SagaScenario<D> expectCompensations(String... steps) {
        assertThat(outcome().compensated).as("compensated steps").containsExactly(steps);
        return this;
    }

    public SagaScenario<D> expectNoCompensations() {
        assertThat(outcome().compensationAttempts).as("compensation attempts").isEmpty();
        return this;
    }

    /** The steps whose effects are in place at the end, in any order. */
    public SagaScenario<D> expectEffects(String... steps) {
        assertThat(outcome().effects).as("effects in place").containsExactlyInAnyOrder(steps);
        return this;
    }

    public SagaScenario<D> expectAttempts(String step, int attempts) {
        assertThat(outcome().stepAttempts.stream().filter(step::equals)).as("attempts of " + step).hasSize(attempts);
        return this;
    }

    public SagaScenario<D> expectCompensationAttempts(String step, int attempts) {
        assertThat(outcome().compensationAttempts.stream().filter(step::equals))
                .as("compensation attempts of " + step).hasSize(attempts);
        return this;
    }

    /** The waits between retries, in order. */
    public SagaScenario<D> expectWaits(Duration... waits) {
        assertThat(outcome().waits).as("waits between retries").containsExactly(waits);
        return this;
    }

    public SagaScenario<D> expectParkedBecause(String reasonFragment) {
        assertThat(outcome().state()).isEqualTo(SagaState.FAILED_COMPENSATION);
        assertThat(outcome().records.get(outcome().records.size() - 1).failure())
                .hasValueSatisfying(failure -> assertThat(failure.message()).contains(reasonFragment));
        return this;
    }

    /**
     * The effects agree with the end state: every step's effect after completion, none that a compensation
     * undoes after compensation. A compensable step declared without effect (its start not forced) has nothing to
     * undo: a crash that lost its start leaves it run and not compensated, which is what it declares harmless.
     */
    public SagaScenario<D> expectConsistentEffects() {
        Outcome run = outcome();
        List<String> undoable = definition.steps().stream()
                .filter(step -> step.compensation().isPresent() && !step.startDurableWithNext())
                .map(StepDefinition::name).toList();
        switch (run.state()) {
            case COMPLETED -> assertThat(run.effects).as("effects after completion")
                    .containsAll(definition.steps().stream().map(StepDefinition::name).toList());
            case COMPENSATED -> assertThat(run.effects).as("effects after compensation").doesNotContainAnyElementsOf(undoable);
            default -> throw new AssertionError("the saga has not ended well: " + run.state());
        }
        return this;
    }

    /**
     * Runs the scenario once per record it writes, the first instance dying before each record in turn,
     * and checks that the recovering instance always ends the saga in {@code state} with consistent effects.
     * A crash before the first record leaves no saga and no effect at all.
     */
    public SagaScenario<D> expectRecoveryFromEveryCrash(SagaState state) {
        int records = copy(OptionalInt.empty()).outcome().records.size();
        SagaScenario<D> beforeStart = copy(OptionalInt.of(0));
        assertThat(beforeStart.outcome().records).as("log after a crash before the saga started").isEmpty();
        assertThat(beforeStart.outcome().effects).as("effects after a crash before the saga started").isEmpty();
        for (int cut = 1; cut < records; cut++) {
            SagaScenario<D> crashed = copy(OptionalInt.of(cut));
            assertThat(crashed.outcome().state()).as("state after a crash before record " + cut).isEqualTo(state);
            crashed.expectConsistentEffects();
        }
        return this;
    }

    // --- What the run left, for assertions of one's own ---

    public SagaResult<D> result() {
        return outcome().result.orElseThrow(() -> new AssertionError("no instance drove the saga to a result"));
    }

    public List<SagaRecord> records() {
        return outcome().records;
    }

    public List<Duration> waits() {
        return outcome().waits;
    }

    public Set<String> effects() {
        return Set.copyOf(outcome().effects);
    }

    private SagaScenario<D> copy(OptionalInt crash) {
        SagaScenario<D> copy = new SagaScenario<>(definition);
        copy.stepFaults.putAll(stepFaults);
        copy.compensationFaults.putAll(compensationFaults);
        copy.data = data;
        copy.jitter = jitter;
        copy.maxRetryWait = maxRetryWait;
        copy.crashAfterRecords = crash;
        copy.powerCut = powerCut;
        return copy;
    }

    private SagaScenario<D> unrun() {
        if (outcome != null) {
            throw new IllegalStateException("the scenario has run already; set it up before the first expectation");
        }
        return this;
    }

    private Outcome outcome() {
        if (outcome == null) {
            outcome = new Outcome();
            outcome.run();
        }
        return outcome;
    }

    /**
     * How a step or compensation misbehaves: for its first {@code times} attempts it fails, before or after
     * its side effect; every attempt takes {@code takes} of clock time.
     */
    private record Fault(StepFailure.Type type, int times, boolean afterSideEffect, Duration takes) {

        static final Fault NONE = new Fault(StepFailure.Type.TRANSIENT, 0, false, Duration.ZERO);

        Fault failing(StepFailure.Type failureType, int count, boolean after) {
            return new Fault(failureType, count, after, takes);
        }

        Fault taking(Duration duration) {
            return new Fault(type, times, afterSideEffect, duration);
        }
    }

    /** Faults of one step's action. */
    public final class StepFaults {

        private final String step;

        private StepFaults(String step) {
            this.step = step;
        }

        /** Every attempt fails permanently, before its side effect. */
        public SagaScenario<D> fails() {
            return set(fault().failing(StepFailure.Type.PERMANENT, ALWAYS, false));
        }

        /** Every attempt takes effect, then fails permanently (say, the reply was lost). */
        public SagaScenario<D> failsAfterItsSideEffect() {
            return set(fault().failing(StepFailure.Type.PERMANENT, ALWAYS, true));
        }

        /** The first {@code times} attempts fail transiently before their side effect. */
        public SagaScenario<D> failsTransiently(int times) {
            return set(fault().failing(StepFailure.Type.TRANSIENT, times, false));
        }

        /** The first {@code times} attempts take effect, then fail transiently. */
        public SagaScenario<D> failsTransientlyAfterItsSideEffect(int times) {
            return set(fault().failing(StepFailure.Type.TRANSIENT, times, true));
        }

        /** Every attempt fails transiently before its side effect. */
        public SagaScenario<D> keepsFailingTransiently() {
            return failsTransiently(ALWAYS);
        }

        /** Every attempt takes this long on the clock. */
        public SagaScenario<D> takes(Duration duration) {
            return set(fault().taking(duration));
        }

        private Fault fault() {
            return stepFaults.getOrDefault(step, Fault.NONE);
        }

        private SagaScenario<D> set(Fault fault) {
            unrun();
            stepFaults.put(step, fault);
            return SagaScenario.this;
        }
    }

    /** Faults of one step's compensation. */
    public final class CompensationFaults {

        private final String step;

        private CompensationFaults(String step) {
            this.step = step;
        }

        /** The first {@code times} attempts fail transiently, before undoing anything. */
        public SagaScenario<D> fails(int times) {
            unrun();
            compensationFaults.put(step, Fault.NONE.failing(StepFailure.Type.TRANSIENT, times, false));
            return SagaScenario.this;
        }

        public SagaScenario<D> alwaysFails() {
            return fails(ALWAYS);
        }
    }

    /** One run of the scenario and all it left behind. */
    private final class Outcome {

        final ManualClock clock = ManualClock.atSomeInstant();
        final ClockSleeper sleeper = new ClockSleeper(clock);
        final InMemorySagaLog log = new InMemorySagaLog();
        final List<String> stepAttempts = new ArrayList<>();
        final List<String> compensationAttempts = new ArrayList<>();
        final List<String> compensated = new ArrayList<>();
        final Set<String> effects = new LinkedHashSet<>();
        List<SagaRecord> records = List.of();
        List<Duration> waits = List.of();
        Optional<SagaResult<D>> result = Optional.empty();

        void run() {
            SagaDefinition<D> faulty = definition.intercepted(this::intercept);
            D initial = data.orElseGet(() -> definition.format().read(Map.of()));
            if (crashAfterRecords.isEmpty()) {
                result = Optional.of(orchestrator(INSTANCE, log, faulty).run(faulty, SAGA_ID, initial));
            } else {
                try {
                    SagaLog dying = powerCut ? new PowerCutSagaLog(log, crashAfterRecords.getAsInt())
                            : new CrashingSagaLog(log, crashAfterRecords.getAsInt());
                    orchestrator(INSTANCE, dying, faulty).run(faulty, SAGA_ID, initial);
                    throw new AssertionError("the saga wrote fewer than " + crashAfterRecords.getAsInt() + " records; it cannot crash there");
                } catch (SimulatedCrash expected) {
                    clock.advance(LEASE.plusSeconds(1));
                    List<SagaResult<?>> recovered = orchestrator(RECOVERING_INSTANCE, log, faulty).recover();
                    assertThat(recovered).as("sagas recovered").hasSizeLessThanOrEqualTo(1);
                    result = recovered.stream().findFirst().map(this::cast);
                }
            }
            records = log.load(SAGA_ID);
            waits = sleeper.waits();
        }

        SagaState state() {
            if (records.isEmpty()) {
                throw new AssertionError("the saga never started");
            }
            return SagaState.of(records);
        }

        @SuppressWarnings("unchecked")
        private SagaResult<D> cast(SagaResult<?> recovered) {
            return (SagaResult<D>) recovered;
        }

        private SagaOrchestrator orchestrator(String instance, SagaLog sagaLog, SagaDefinition<D> faulty) {
            return new SagaOrchestrator(sagaLog, List.of(faulty), new SagaEngine(jitter),
                    new SagaOrchestrator.Settings(instance, LEASE, maxRetryWait), clock, sleeper, SagaListener.NONE);
        }

        private D intercept(D current, StepAttempt attempt, SagaStep<D> proceed) throws Exception {
            List<String> attempts = attempt.compensating() ? compensationAttempts : stepAttempts;
            attempts.add(attempt.step());
            int number = (int) attempts.stream().filter(attempt.step()::equals).count();
            Fault fault = (attempt.compensating() ? compensationFaults : stepFaults).getOrDefault(attempt.step(), Fault.NONE);
            clock.advance(fault.takes());
            boolean failing = number <= fault.times();
            if (failing && !fault.afterSideEffect()) {
                throw injected(fault, attempt);
            }
            D next = proceed.run(current, attempt);
            if (attempt.compensating()) {
                effects.remove(attempt.step());
                compensated.add(attempt.step());
            } else {
                effects.add(attempt.step());
            }
            if (failing) {
                throw injected(fault, attempt);
            }
            return next;
        }

        private IngestException injected(Fault fault, StepAttempt attempt) {
            String what = (attempt.compensating() ? "compensation of " : "step ") + attempt.step() + ", attempt " + attempt.number();
            return fault.type() == StepFailure.Type.TRANSIENT
                    ? new IngestException(IngestException.Kind.UNAVAILABLE, "injected_fault", "injected transient fault in " + what)
                    : IngestException.conflict("injected_fault", "injected permanent fault in " + what);
        }
    }
}
