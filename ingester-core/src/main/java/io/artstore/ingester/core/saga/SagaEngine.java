package io.artstore.ingester.core.saga;

import io.artstore.ingester.core.saga.SagaDecision.Compensate;
import io.artstore.ingester.core.saga.SagaDecision.Compensated;
import io.artstore.ingester.core.saga.SagaDecision.Complete;
import io.artstore.ingester.core.saga.SagaDecision.Park;
import io.artstore.ingester.core.saga.SagaDecision.RetryAfter;
import io.artstore.ingester.core.saga.SagaDecision.RunStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a saga's next move from its definition, its log and the time, and nothing else: no I/O, no clock,
 * no threads. The last outcome is the log's last record. Asking twice with the same log and time gives the
 * same answer, which is what lets any instance pick up a saga where a dead one left it.
 *
 * <ul>
 *   <li>Forward, step by step. A compensable step that fails permanently, fails {@link
 *       RetryPolicy#stepAttempts} times, or is still unfinished when the saga times out turns the saga
 *       back. The pivot is retried until it succeeds or fails permanently (which means it took no effect);
 *       retriable steps are retried until they succeed. Past its point of no return a saga ignores its
 *       timeout.</li>
 *   <li>Backward, last step first: every compensable step that was started is compensated, the failed one
 *       too, since a failed attempt may have taken effect. A compensation that fails {@link
 *       RetryPolicy#compensationAttempts} times parks the saga.</li>
 * </ul>
 */
public final class SagaEngine {

    private final JitterSource jitter;

    public SagaEngine(JitterSource jitter) {
        this.jitter = Objects.requireNonNull(jitter, "jitter");
    }

    /**
     * The next move for a saga that has not ended.
     *
     * @param log the saga's records in log order, starting with {@link SagaRecord.Kind#SAGA_STARTED}
     * @throws IllegalArgumentException when the log does not belong to the definition
     * @throws IllegalStateException when the saga has ended already
     */
    public SagaDecision decide(SagaDefinition<?> definition, List<SagaRecord> log, Instant now) {
        Objects.requireNonNull(now, "now");
        History history = History.of(definition, log);
        if (history.ended) {
            throw new IllegalStateException("saga " + history.sagaId + " has ended; there is nothing left to decide");
        }
        if (!history.compensating) {
            Optional<SagaDecision> forward = forward(definition, history, now);
            if (forward.isPresent()) {
                return forward.get();
            }
        }
        return backward(definition, history, now);
    }

    /** The forward move, or empty when the saga must turn back. */
    private Optional<SagaDecision> forward(SagaDefinition<?> definition, History history, Instant now) {
        int step = history.firstUnfinishedStep();
        if (step == definition.steps().size()) {
            return Optional.of(new Complete());
        }
        StepHistory current = history.steps[step];
        StepKind kind = definition.step(step).kind();
        boolean undoable = step <= definition.lastUndoableStep();
        boolean timedOut = !now.isBefore(history.startedAt.plus(definition.timeout()));
        if (current.started == 0) {
            return undoable && timedOut ? Optional.empty() : Optional.of(new RunStep(step, 1, false));
        }
        if (current.last.kind() == SagaRecord.Kind.STEP_STARTED) {
            // Died during the attempt. Only a pivot that may have taken effect must be seen through.
            return kind == StepKind.COMPENSABLE && timedOut
                    ? Optional.empty()
                    : Optional.of(new RunStep(step, current.started + 1, true));
        }
        StepFailure failure = current.last.failure().orElseThrow();
        boolean giveUp = switch (kind) {
            case COMPENSABLE -> failure.isPermanent() || current.failures >= definition.retryPolicy().stepAttempts() || timedOut;
            case PIVOT -> failure.isPermanent();
            case RETRIABLE -> false;
        };
        if (giveUp) {
            return Optional.empty();
        }
        Duration wait = remainingBackoff(definition, history, step, current, now);
        return Optional.of(wait.isZero()
                ? new RunStep(step, current.started + 1, current.unfinished() > 0)
                : new RetryAfter(step, false, wait));
    }

    private SagaDecision backward(SagaDefinition<?> definition, History history, Instant now) {
        for (int step = definition.steps().size() - 1; step >= 0; step--) {
            StepHistory current = history.steps[step];
            if (current.started == 0 || definition.step(step).compensation().isEmpty() || current.compensated) {
                continue;
            }
            if (current.compensationStarted == 0) {
                return new Compensate(step, 1, false);
            }
            if (current.lastCompensation.kind() == SagaRecord.Kind.COMPENSATION_STARTED) {
                return new Compensate(step, current.compensationStarted + 1, true);
            }
            if (current.compensationFailures == 0) {
                // Resumed by an operator after it was parked: try again at once.
                return new Compensate(step, current.compensationStarted + 1, current.unfinishedCompensations() > 0);
            }
            if (current.compensationFailures >= definition.retryPolicy().compensationAttempts()) {
                return new Park(SagaState.FAILED_COMPENSATION, "the compensation of step '" + definition.step(step).name()
                        + "' failed " + current.compensationFailures + " times; last: "
                        + current.lastCompensation.failure().orElseThrow().message());
            }
            Duration wait = remaining(current.lastCompensation.at(), definition.retryPolicy().backoff()
                    .delay(current.compensationFailures, jitter.random(history.sagaId, step, current.compensationFailures)), now);
            return wait.isZero()
                    ? new Compensate(step, current.compensationStarted + 1, current.unfinishedCompensations() > 0)
                    : new RetryAfter(step, true, wait);
        }
        return new Compensated();
    }

    private Duration remainingBackoff(SagaDefinition<?> definition, History history, int step, StepHistory current, Instant now) {
        Duration delay = definition.retryPolicy().backoff().delay(current.failures, jitter.random(history.sagaId, step, current.failures));
        return remaining(current.last.at(), delay, now);
    }

    private static Duration remaining(Instant failedAt, Duration delay, Instant now) {
        Duration left = Duration.between(now, failedAt.plus(delay));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** What one step's records say. */
    private static final class StepHistory {
        int started;
        int outcomes;
        int failures;
        boolean succeeded;
        SagaRecord last;
        int compensationStarted;
        int compensationOutcomes;
        int compensationFailures;
        boolean compensated;
        SagaRecord lastCompensation;

        int unfinished() {
            return started - outcomes;
        }

        int unfinishedCompensations() {
            return compensationStarted - compensationOutcomes;
        }
    }

    /** A saga's log folded into what the decision needs. */
    private static final class History {
        final SagaId sagaId;
        final Instant startedAt;
        final StepHistory[] steps;
        boolean compensating;
        boolean ended;

        private History(SagaId sagaId, Instant startedAt, int stepCount) {
            this.sagaId = sagaId;
            this.startedAt = startedAt;
            this.steps = new StepHistory[stepCount];
            for (int i = 0; i < stepCount; i++) {
                steps[i] = new StepHistory();
            }
        }

        static History of(SagaDefinition<?> definition, List<SagaRecord> log) {
            if (log.isEmpty() || log.get(0).kind() != SagaRecord.Kind.SAGA_STARTED) {
                throw new IllegalArgumentException("a saga's log starts with SAGA_STARTED");
            }
            SagaRecord first = log.get(0);
            if (!first.sagaType().equals(definition.name()) || first.definitionVersion() != definition.version()) {
                // Step indexes mean something only in the layout the saga was started with.
                throw new IllegalArgumentException("saga " + first.sagaId() + " is a '" + first.sagaType() + "' saga of version "
                        + first.definitionVersion() + ", not a '" + definition.name() + "' one of version " + definition.version());
            }
            History history = new History(first.sagaId(), first.at(), definition.steps().size());
            for (SagaRecord record : log) {
                if (!record.sagaId().equals(history.sagaId)) {
                    throw new IllegalArgumentException("the log of saga " + history.sagaId + " holds a record of saga " + record.sagaId());
                }
                if (record.kind().aboutStep() && record.step() >= history.steps.length) {
                    throw new IllegalArgumentException("saga " + history.sagaId + " logged step " + record.step() + " but "
                            + definition + " has only " + history.steps.length + " steps");
                }
                history.add(record);
            }
            return history;
        }

        private void add(SagaRecord record) {
            StepHistory step = record.kind().aboutStep() ? steps[record.step()] : null;
            switch (record.kind()) {
                case STEP_STARTED -> {
                    step.started++;
                    step.last = record;
                }
                case STEP_SUCCEEDED -> {
                    step.outcomes++;
                    step.succeeded = true;
                    step.last = record;
                }
                case STEP_FAILED -> {
                    step.outcomes++;
                    step.failures++;
                    step.last = record;
                }
                case COMPENSATION_STARTED -> {
                    compensating = true;
                    step.compensationStarted++;
                    step.lastCompensation = record;
                }
                case COMPENSATION_SUCCEEDED -> {
                    compensating = true;
                    step.compensationOutcomes++;
                    step.compensated = true;
                    step.lastCompensation = record;
                }
                case COMPENSATION_FAILED -> {
                    compensating = true;
                    step.compensationOutcomes++;
                    step.compensationFailures++;
                    step.lastCompensation = record;
                }
                case SAGA_COMPLETED, SAGA_COMPENSATED, SAGA_PARKED -> ended = true;
                case SAGA_RESUMED -> {
                    ended = false;
                    compensating = true;
                    for (StepHistory each : steps) {
                        each.compensationFailures = 0;
                    }
                }
                case SAGA_STARTED, LEASE_CLAIMED -> {
                    // Nothing about the steps.
                }
            }
        }

        int firstUnfinishedStep() {
            int step = 0;
            while (step < steps.length && steps[step].succeeded) {
                step++;
            }
            return step;
        }
    }
}
