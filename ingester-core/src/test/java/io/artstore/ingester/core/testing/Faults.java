package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Numbers every call the fakes receive and makes one of them fail: a crash before or after it takes effect
 * (a {@link SimulatedCrash}, which no service catches, as nothing runs after a process dies) or a failure the
 * caller sees ({@code UNAVAILABLE}).
 */
public final class Faults {

    public enum Kind {
        CRASH_BEFORE,
        CRASH_AFTER,
        FAIL
    }

    /** The process died here. An {@link Error}, so that services which handle failures do not handle it. */
    public static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        public SimulatedCrash(String point) {
            super("simulated crash at " + point);
        }
    }

    private final List<String> calls = new ArrayList<>();
    private int armedAt = -1;
    private Kind kind;
    private boolean fired;

    /** Forgets the calls so far; numbering starts again at zero. */
    public synchronized void reset() {
        calls.clear();
        armedAt = -1;
        fired = false;
    }

    public synchronized void arm(int callIndex, Kind faultKind) {
        armedAt = callIndex;
        kind = faultKind;
        fired = false;
    }

    public synchronized void disarm() {
        armedAt = -1;
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized boolean fired() {
        return fired;
    }

    public <T> T around(String point, Supplier<T> action) {
        int index = before(point);
        T result = action.get();
        after(index, point);
        return result;
    }

    public void around(String point, Runnable action) {
        around(point, () -> {
            action.run();
            return null;
        });
    }

    private synchronized int before(String point) {
        int index = calls.size();
        calls.add(point);
        if (index == armedAt && kind != Kind.CRASH_AFTER) {
            fired = true;
            if (kind == Kind.CRASH_BEFORE) {
                throw new SimulatedCrash("before " + point);
            }
            throw new IngestException(IngestException.Kind.UNAVAILABLE, "injected_failure", "injected failure at " + point);
        }
        return index;
    }

    private synchronized void after(int index, String point) {
        if (index == armedAt && kind == Kind.CRASH_AFTER) {
            fired = true;
            throw new SimulatedCrash("after " + point);
        }
    }
}
