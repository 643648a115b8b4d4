package io.artstore.ingester.core.saga.testing;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.saga.SagaStep;
import io.artstore.ingester.core.saga.StepAttempt;
import io.artstore.ingester.core.saga.StepInterceptor;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Numbers every step and compensation a saga runs ({@code "store"}, {@code "undo store"}) and makes one of
 * them misbehave: the process dies before or after its side effect, or the attempt fails before
 * (permanently) or after (transiently) its side effect. For fault injection at every point of a real saga.
 */
public final class StepFaults<D> implements StepInterceptor<D> {

    public enum Kind {
        CRASH_BEFORE,
        CRASH_AFTER,
        /** Fails permanently before its side effect; a pivot that fails so took no effect. */
        FAIL_BEFORE,
        /** Takes effect, then fails transiently, as a lost reply does. */
        FAIL_AFTER
    }

    private final List<String> calls = new ArrayList<>();
    private final Map<Integer, Kind> armed = new HashMap<>();
    private int fired;
    private Optional<D> lastData = Optional.empty();

    /** Makes call number {@code callIndex} (from 0) misbehave; several calls may be armed. */
    public synchronized StepFaults<D> arm(int callIndex, Kind faultKind) {
        armed.put(callIndex, faultKind);
        return this;
    }

    /** The data the latest call was given. */
    public synchronized Optional<D> lastData() {
        return lastData;
    }

    /** Every call so far, in order. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** How many armed faults have gone off. */
    public synchronized int fired() {
        return fired;
    }

    @Override
    public D intercept(D data, StepAttempt attempt, SagaStep<D> proceed) throws Exception {
        String point = (attempt.compensating() ? "undo " : "") + attempt.step();
        Kind kind;
        synchronized (this) {
            kind = armed.get(calls.size());
            calls.add(point);
            lastData = Optional.of(data);
            fired += kind == null ? 0 : 1;
        }
        if (kind == Kind.CRASH_BEFORE) {
            throw new SimulatedCrash("before " + point);
        }
        if (kind == Kind.FAIL_BEFORE) {
            throw IngestException.conflict("injected_fault", "injected permanent fault before " + point);
        }
        D next = proceed.run(data, attempt);
        if (kind == Kind.CRASH_AFTER) {
            throw new SimulatedCrash("after " + point);
        }
        if (kind == Kind.FAIL_AFTER) {
            throw new IngestException(IngestException.Kind.UNAVAILABLE, "injected_fault", "injected transient fault after " + point);
        }
        return next;
    }
}
