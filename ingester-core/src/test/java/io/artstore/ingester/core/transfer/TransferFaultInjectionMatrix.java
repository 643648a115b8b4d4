package io.artstore.ingester.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.testing.Faults;
import io.artstore.ingester.core.transfer.TransferFixture.SeededFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A transfer is rehearsed once to number every call it makes to the elements, the log, the locks, the catalogue
 * and the events. Then, for each call, a new transfer crashes just before it, crashes just after it, or sees it
 * fail; a freshly built coordinator over the same stores recovers. Whatever the point, the file must end in
 * exactly one element, intact, signed, catalogued, unlocked, with nothing staged and nothing unfinished.
 *
 * <p>Written once, run over each kind of storage element: extend it and build the fixture in {@link #newFixture}.
 * Recovery always runs in a {@link TransferFixture#restart restarted} fixture, over freshly built adapters.
 */
public abstract class TransferFaultInjectionMatrix {

    private static final Consumer<TransferFixture> COMMITTING = fixture -> {};
    private static final Consumer<TransferFixture> ABORTING = fixture -> fixture.rw.corruptStaging(true);

    /** A new fixture; fixtures may share storage, since their files never share an id. */
    protected abstract TransferFixture newFixture();

    @TestFactory
    public Stream<DynamicTest> a_transfer_that_would_commit_survives_a_fault_at_every_call() {
        return scenarios(COMMITTING, "commit");
    }

    @TestFactory
    public Stream<DynamicTest> a_transfer_that_would_abort_survives_a_fault_at_every_call() {
        return scenarios(ABORTING, "abort");
    }

    @TestFactory
    public Stream<DynamicTest> recovery_that_crashes_at_every_call_is_finished_by_the_next_recovery() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String crashPoint : List.of("log.append:Decided", "log.append:Voted")) {
            List<String> recoveryCalls = rehearseRecovery(crashPoint);
            for (int call = 0; call < recoveryCalls.size(); call++) {
                int index = call;
                for (Faults.Kind kind : Faults.Kind.values()) {
                    tests.add(dynamicTest("crash after " + crashPoint + ", then " + kind + " at recovery call " + index
                            + " " + recoveryCalls.get(index), () -> {
                        TransferFixture fixture = newFixture();
                        SeededFile file = fixture.seed("twice.pdf");
                        crashAfterFirst(fixture, file, crashPoint);
                        fixture.faults.arm(index, kind);
                        try {
                            fixture.restart().recover();
                        } catch (Faults.SimulatedCrash expected) {
                            // the recovering process died too
                        }
                        assertThat(fixture.faults.fired()).isTrue();
                        fixture.faults.disarm();
                        fixture.restart().recover();
                        assertOutcome(fixture, file, crashPoint.equals("log.append:Decided"));
                    }));
                }
            }
        }
        return tests.stream();
    }

    private Stream<DynamicTest> scenarios(Consumer<TransferFixture> setUp, String path) {
        List<String> calls = rehearse(setUp);
        List<DynamicTest> tests = new ArrayList<>();
        for (int call = 0; call < calls.size(); call++) {
            int index = call;
            for (Faults.Kind kind : Faults.Kind.values()) {
                tests.add(dynamicTest(path + ": " + kind + " at call " + index + " " + calls.get(index), () -> {
                    TransferFixture fixture = newFixture();
                    setUp.accept(fixture);
                    SeededFile file = fixture.seed("survey.pdf");
                    fixture.faults.reset();
                    fixture.faults.arm(index, kind);
                    try {
                        fixture.coordinator().begin(file.fileId(), Optional.empty());
                    } catch (Faults.SimulatedCrash | IngestException expected) {
                        // a crash, or a failure before the transaction was logged
                    }
                    assertThat(fixture.faults.fired()).as("the fault was reached").isTrue();
                    fixture.faults.disarm();

                    fixture.restart().recover();

                    FaultInjectingStorageElement holder = assertOutcome(fixture, file, null);
                    if (setUp == ABORTING) {
                        assertThat(holder).isSameAs(fixture.edit);
                    }
                    assertThat(fixture.coordinator().recover()).as("a second recovery finds nothing to do").isEmpty();
                }));
            }
        }
        return tests.stream();
    }

    /** The invariants, and an outcome that agrees with where the file is; {@code committed} if it is known. */
    private static FaultInjectingStorageElement assertOutcome(TransferFixture fixture, SeededFile file, Boolean committed) {
        FaultInjectingStorageElement holder = fixture.assertConsistent(file);
        boolean onTarget = holder == fixture.rw;
        if (committed != null) {
            assertThat(onTarget).isEqualTo(committed);
        }
        for (TransactionId id : fixture.log.findByFile(file.fileId())) {
            TransferStatus status = fixture.coordinator().status(id);
            assertThat(status.state()).isEqualTo(onTarget ? TransferState.COMMITTED : TransferState.ABORTED);
            assertThat(status.progressPercent()).isEqualTo(100);
        }
        if (onTarget) {
            assertThat(fixture.transferEvents(file.fileId())).isPositive();
        } else {
            assertThat(fixture.transferEvents(file.fileId())).isZero();
        }
        return holder;
    }

    private List<String> rehearse(Consumer<TransferFixture> setUp) {
        TransferFixture fixture = newFixture();
        setUp.accept(fixture);
        SeededFile file = fixture.seed("survey.pdf");
        fixture.faults.reset();
        fixture.coordinator().begin(file.fileId(), Optional.empty());
        List<String> calls = fixture.faults.calls();
        assertThat(calls).as("both participants and every store are exercised").contains(
                "locks.tryLock", "log.append:Begun", "local-edit.stat", "local-edit.open", "local-edit.read",
                "local-rw.stage", "log.append:Voted", "log.append:Decided", "locks.release",
                "log.append:Ended");
        // The signature moves in the same two-phase commit: staged beside the copy before the decision, so that
        // every crash point between the two copies is rehearsed, and never written after it.
        assertThat(calls).contains("local-edit.readSidecar", "local-rw.stageSidecar").doesNotContain("local-rw.writeSidecar");
        assertThat(calls.indexOf("local-rw.stageSidecar")).as("the signature is staged after the copy, before the decision")
                .isGreaterThan(calls.indexOf("local-rw.stage")).isLessThan(calls.indexOf("log.append:Decided"));
        if (setUp == COMMITTING) {
            assertThat(calls).contains("local-rw.publishStaged", "local-edit.deleteSidecar", "local-edit.delete",
                    "catalog.put", "events.publish");
        } else {
            assertThat(calls).contains("local-rw.discardStaged").doesNotContain("local-edit.delete");
        }
        return calls;
    }

    private List<String> rehearseRecovery(String crashPoint) {
        TransferFixture fixture = newFixture();
        SeededFile file = fixture.seed("twice.pdf");
        crashAfterFirst(fixture, file, crashPoint);
        fixture.restart().recover();
        return fixture.faults.calls();
    }

    /** Begins a transfer that crashes right after the first call named {@code point}; numbering restarts after. */
    private static void crashAfterFirst(TransferFixture fixture, SeededFile file, String point) {
        fixture.faults.reset();
        fixture.faults.arm(fixture.callIndex(file, point), Faults.Kind.CRASH_AFTER);
        try {
            fixture.coordinator().begin(file.fileId(), Optional.empty());
        } catch (Faults.SimulatedCrash expected) {
            fixture.faults.reset();
            return;
        }
        throw new AssertionError("the transfer did not reach " + point);
    }
}
