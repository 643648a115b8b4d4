package io.artstore.ingester.core.saga.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * One fault of a fault-injection matrix: a fault of {@code kind} at call {@code at}, after a permanent failure of
 * call {@code turnBackAt} (when present) has turned the saga back into its compensations.
 */
public record FaultCase(Optional<Integer> turnBackAt, int at, StepFaults.Kind kind) {

    @Override
    public String toString() {
        return turnBackAt.map(first -> "after a permanent failure of call " + first + ", ").orElse("") + kind + " at call " + at;
    }

    public void arm(StepFaults<?> faults) {
        turnBackAt.ifPresent(first -> faults.arm(first, StepFaults.Kind.FAIL_BEFORE));
        faults.arm(at, kind);
    }

    /** Every kind of fault at {@code call}. */
    public static List<FaultCase> everyKindAt(Optional<Integer> turnBackAt, int call) {
        List<FaultCase> cases = new ArrayList<>();
        for (StepFaults.Kind kind : StepFaults.Kind.values()) {
            cases.add(new FaultCase(turnBackAt, call, kind));
        }
        return cases;
    }

    /** Every kind of fault at each call of a clean run. */
    public static List<FaultCase> everyKindAtEachCall(int cleanCalls) {
        List<FaultCase> cases = new ArrayList<>();
        for (int call = 0; call < cleanCalls; call++) {
            cases.addAll(everyKindAt(Optional.empty(), call));
        }
        return cases;
    }

    /**
     * Every kind of fault at every call of a clean run, then every kind at every compensation ({@code "undo ..."}
     * call) that a permanent failure of each of {@code turnBackAt} sets off.
     */
    public static Stream<FaultCase> matrix(int cleanCalls, IntFunction<List<String>> callsWhenTurnedBackAt,
            List<Integer> turnBackAt) {
        List<FaultCase> cases = everyKindAtEachCall(cleanCalls);
        for (int first : turnBackAt) {
            List<String> calls = callsWhenTurnedBackAt.apply(first);
            for (int call = first + 1; call < calls.size(); call++) {
                if (calls.get(call).startsWith("undo ")) {
                    cases.addAll(everyKindAt(Optional.of(first), call));
                }
            }
        }
        return cases.stream();
    }
}
