package io.artstore.ingester.core.service;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.FakeSigner;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.testing.FaultCase;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.saga.testing.StepFaults;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import io.artstore.ingester.core.testing.FileInvariant;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import io.artstore.ingester.core.transfer.InMemoryLocks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fault at every step of both sagas, before and after its side effect, compensations included: a crash
 * (the process is abandoned, a new one over the same stores recovers) or a failed attempt. Afterwards the
 * file is wholly there or wholly absent, and no saga is left unfinished.
 */
class FileSagaFaultInjectionTest {

    /** The stores of one test, which outlive the "processes" that use them. */
    private static final class World {
        final ManualClock clock = ManualClock.atSomeInstant();
        final InMemoryStorageElement edit = InMemoryStorageElement.of("edit-1", Mode.EDIT);
        final List<StorageElement> elements = List.of(edit);
        final FakeCapacityReservations reservations = new FakeCapacityReservations();
        final InMemoryFileCatalog catalog = new InMemoryFileCatalog();
        final RecordingEventPublisher events = new RecordingEventPublisher();
        final InMemoryLocks locks = new InMemoryLocks();
        final InMemorySagaLog sagaLog = new InMemorySagaLog();
        final FileInvariant invariant = new FileInvariant(elements, catalog,
                fileId -> events.published().stream().filter(event -> event.fileId().equals(fileId)).map(FileEvent::type).toList(),
                reservations::totalOutstanding, locks);

        FileSagas process() {
            return new FileSagas(new FileSagas.Ports(() -> elements, reservations, catalog, events, locks, sagaLog), clock,
                    Optional.of(new FakeSigner(SignatureAlgorithm.ECDSA_P256_SHA256, clock)));
        }

        /** Runs the call; after a crash, a new process over the same stores recovers. Returns the process left running. */
        FileSagas survive(FileSagas process, Consumer<FileSagas> call) {
            try {
                call.accept(process);
                return process;
            } catch (SimulatedCrash crash) {
                FileSagas next = process();
                next.recover();
                return next;
            } catch (IngestException refused) {
                return process;
            }
        }

        void assertNoSagaLeftUnfinished() {
            assertThat(sagaLog.unfinished()).as("unfinished sagas").isEmpty();
            assertThat(sagaLog.list(SagaState.FAILED_COMPENSATION)).as("parked sagas").isEmpty();
        }
    }

    private static final byte[] CONTENT = "the file under test".getBytes(StandardCharsets.UTF_8);

    static Stream<FaultCase> addFaults() {
        World clean = new World();
        FileSagas process = clean.process();
        add(process);
        return FaultCase.matrix(process.addFaults().calls().size(), turnBackAt -> {
            World world = new World();
            FileSagas turning = world.process();
            turning.addFaults().arm(turnBackAt, StepFaults.Kind.FAIL_BEFORE);
            world.survive(turning, FileSagaFaultInjectionTest::add);
            return turning.addFaults().calls();
        }, List.of(0, 1, 2));
    }

    static Stream<FaultCase> deleteFaults() {
        World clean = new World();
        FileSagas process = clean.process();
        FileId fileId = add(process);
        process.delete().delete(fileId);
        return FaultCase.matrix(process.deleteFaults().calls().size(), turnBackAt -> {
            World world = new World();
            FileSagas turning = world.process();
            FileId added = add(turning);
            turning.deleteFaults().arm(turnBackAt, StepFaults.Kind.FAIL_BEFORE);
            world.survive(turning, running -> running.delete().delete(added));
            return turning.deleteFaults().calls();
        }, List.of(0, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("addFaults")
    void an_add_is_wholly_done_or_wholly_undone_whatever_fails(FaultCase fault) {
        World world = new World();
        FileSagas process = world.process();
        fault.arm(process.addFaults());

        FileSagas survivor = world.survive(process, FileSagaFaultInjectionTest::add);
        survivor.recover();

        FileId fileId = process.addFaults().lastData().orElseThrow().fileId();
        assertThat(process.addFaults().fired()).as("faults that went off").isPositive();
        world.assertNoSagaLeftUnfinished();
        world.invariant.holdsFor(fileId, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deleteFaults")
    void a_delete_is_wholly_done_or_wholly_undone_whatever_fails(FaultCase fault) {
        World world = new World();
        FileSagas process = world.process();
        FileId fileId = add(process);
        fault.arm(process.deleteFaults());

        FileSagas survivor = world.survive(process, running -> running.delete().delete(fileId));
        survivor.recover();

        assertThat(process.deleteFaults().fired()).as("faults that went off").isPositive();
        world.assertNoSagaLeftUnfinished();
        boolean present = world.invariant.holdsFor(fileId, true);
        assertThat(world.events.published().stream().map(FileEvent::type).toList())
                .isEqualTo(present ? List.of(FileEvent.Type.FILE_ADDED) : List.of(FileEvent.Type.FILE_ADDED, FileEvent.Type.FILE_DELETED));
    }

    @Test
    void a_parked_add_is_visible_and_an_operator_retry_finishes_undoing_it() {
        World world = new World();
        FileSagas process = world.process();
        process.addFaults().arm(3, StepFaults.Kind.FAIL_BEFORE);
        // Call 4 withdraws the registration; from call 5 on, the discard of the staged copy keeps failing.
        for (int call = 5; call < 5 + 10; call++) {
            process.addFaults().arm(call, StepFaults.Kind.FAIL_BEFORE);
        }

        world.survive(process, FileSagaFaultInjectionTest::add);

        assertThat(world.sagaLog.list(SagaState.FAILED_COMPENSATION)).singleElement().satisfies(parked -> {
            assertThat(parked.sagaType()).isEqualTo(AddFileSaga.TYPE);
            assertThat(parked.latest().failure()).hasValueSatisfying(failure ->
                    assertThat(failure.message()).contains(AddFileSaga.STAGE_CONTENT));
            assertThat(process.orchestrator().retry(parked.sagaId()).state()).isEqualTo(SagaState.COMPENSATED);
        });
        world.assertNoSagaLeftUnfinished();
        assertThat(world.invariant.holdsFor(process.addFaults().lastData().orElseThrow().fileId(), true)).isFalse();
    }

    private static FileId add(FileSagas process) {
        return process.add().add(anAddFileCommand().signed().build(), new ByteArrayInputStream(CONTENT)).entry().fileId();
    }
}
