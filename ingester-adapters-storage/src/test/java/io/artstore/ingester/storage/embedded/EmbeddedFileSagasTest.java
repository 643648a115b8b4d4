package io.artstore.ingester.storage.embedded;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.FakeSigner;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.testing.FaultCase;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.saga.testing.StepFaults;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import io.artstore.ingester.core.testing.FileInvariant;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.storage.fs.DurableFiles;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.local.LocalStorageSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The add and delete sagas over the real embedded stores, with a fault at every step and compensation. A
 * crash abandons the process: every store is closed as it stands and reopened from disk, and the new
 * process's recovery finishes the saga. Afterwards the file is wholly there or wholly absent on disk,
 * without leftovers in {@code .tmp} or {@code .staging}.
 */
class EmbeddedFileSagasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CONTENT = "bytes on a real disk".getBytes(StandardCharsets.UTF_8);
    private static final StorageElementId EDIT = StorageElementId.of("local-edit");

    @TempDir
    Path data;

    /** One process over the data folder: its stores, opened from disk, and its services. */
    private final class Process implements AutoCloseable {
        final ManualClock clock;
        final LocalStorageElement edit;
        final FileSystemFileCatalog catalog = FileSystemFileCatalog.open(data.resolve("catalog"));
        final JsonLinesEventPublisher events = JsonLinesEventPublisher.open(data.resolve("events").resolve("events.jsonl"));
        final FileSystemLocks locks = FileSystemLocks.open(data.resolve("locks"));
        final FileSagaLog sagaLog = FileSagaLog.open(data.resolve("sagas"), FileSagas.INSTANCE);
        final InMemoryCapacityReservations reservations = new InMemoryCapacityReservations();
        final FileSagas sagas;

        Process(ManualClock clock) {
            this.clock = clock;
            this.edit = LocalStorageElement.open(LocalStorageSettings.of(EDIT, Mode.EDIT, data.resolve("storage").resolve("local-edit"), 1),
                    clock);
            List<StorageElement> elements = List.of(edit);
            this.sagas = new FileSagas(new FileSagas.Ports(new StaticStorageElements(elements), reservations, catalog, events,
                    locks, sagaLog), clock, Optional.of(new FakeSigner(SignatureAlgorithm.ECDSA_P256_SHA256, clock)));
        }

        FileInvariant invariant() {
            return new FileInvariant(List.of(edit), catalog, EmbeddedFileSagasTest.this::eventsOf,
                    () -> reservations.outstandingBytes(EDIT), locks);
        }

        /** Runs the call; after a crash, the stores are reopened from disk and the new process recovers. */
        Process survive(Consumer<FileSagas> call) {
            try {
                call.accept(sagas);
                return this;
            } catch (SimulatedCrash crash) {
                close();
                Process next = new Process(clock);
                next.sagas.recover();
                return next;
            } catch (IngestException refused) {
                return this;
            }
        }

        @Override
        public void close() {
            sagaLog.close();
            events.close();
            catalog.close();
        }
    }

    static Stream<FaultCase> addFaults() {
        return cases(7, List.of(0, 1, 2), List.of(1, 2, 2));
    }

    static Stream<FaultCase> deleteFaults() {
        return cases(6, List.of(0, 1), List.of(1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("addFaults")
    void an_add_over_the_embedded_stores_is_wholly_done_or_wholly_undone(FaultCase fault) {
        Process process = new Process(ManualClock.atSomeInstant());
        fault.arm(process.sagas.addFaults());

        Process survivor = process.survive(EmbeddedFileSagasTest::add);
        survivor.sagas.recover();

        FileId fileId = process.sagas.addFaults().lastData().orElseThrow().fileId();
        assertThat(process.sagas.addFaults().fired()).as("faults that went off").isPositive();
        assertNoSagaLeftUnfinished(survivor);
        boolean present = survivor.invariant().holdsFor(fileId, true);
        assertNoLeftovers();
        if (present) {
            assertThat(eventsOf(fileId)).containsExactly(FileEvent.Type.FILE_ADDED);
        }
        survivor.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deleteFaults")
    void a_delete_over_the_embedded_stores_is_wholly_done_or_wholly_undone(FaultCase fault) {
        Process process = new Process(ManualClock.atSomeInstant());
        FileId fileId = add(process.sagas);
        fault.arm(process.sagas.deleteFaults());

        Process survivor = process.survive(sagas -> sagas.delete().delete(fileId));
        survivor.sagas.recover();

        assertThat(process.sagas.deleteFaults().fired()).as("faults that went off").isPositive();
        assertNoSagaLeftUnfinished(survivor);
        boolean present = survivor.invariant().holdsFor(fileId, true);
        assertNoLeftovers();
        assertThat(eventsOf(fileId)).isEqualTo(present ? List.of(FileEvent.Type.FILE_ADDED)
                : List.of(FileEvent.Type.FILE_ADDED, FileEvent.Type.FILE_DELETED));
        survivor.close();
    }

    /**
     * The staged copy's names are not forced on their own: the pivot publishes it next and forces its names in the
     * hour folder; a copy a crash lost before that is not found, and the add is undone (the faults above). The
     * catalogue entry is a record appended to the catalogue's log, which needs no folder force.
     */
    @Test
    void an_add_forces_the_hour_folder_but_neither_the_catalogue_folder_nor_the_staging_folder() {
        Process process = new Process(ManualClock.atSomeInstant());
        addUnsigned(process.sagas);

        long before = DurableFiles.folderForces();
        FileId added = addUnsigned(process.sagas);

        assertThat(DurableFiles.folderForces() - before).as("folder fsyncs of an add into an existing hour folder").isEqualTo(1);
        assertThat(process.invariant().holdsFor(added, false)).isTrue();
        assertNoLeftovers();
        process.close();
    }

    private static FileId addUnsigned(FileSagas sagas) {
        return sagas.add().add(anAddFileCommand().build(), new ByteArrayInputStream(CONTENT)).entry().fileId();
    }

    private static FileId add(FileSagas sagas) {
        return sagas.add().add(anAddFileCommand().signed().build(), new ByteArrayInputStream(CONTENT)).entry().fileId();
    }

    private static void assertNoSagaLeftUnfinished(Process process) {
        assertThat(process.sagaLog.unfinished()).as("unfinished sagas").isEmpty();
        assertThat(process.sagaLog.list(SagaState.FAILED_COMPENSATION)).as("parked sagas").isEmpty();
    }

    private void assertNoLeftovers() {
        Path element = data.resolve("storage").resolve("local-edit");
        assertThat(filesUnder(element.resolve(".tmp"))).as("temporary files").isEmpty();
        assertThat(filesUnder(element.resolve(".staging"))).as("staged files").isEmpty();
    }

    private List<FileEvent.Type> eventsOf(FileId fileId) {
        Path file = data.resolve("events").resolve("events.jsonl");
        List<FileEvent.Type> types = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode event = JSON.readTree(line);
                if (event.path("file_id").asText().equals(fileId.toString())) {
                    types.add(FileEvent.Type.valueOf(event.path("type").asText().toUpperCase(Locale.ROOT)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return types;
    }

    private static List<Path> filesUnder(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every kind of fault at each of the clean run's calls; then, for each call that is made to fail for good,
     * every kind of fault at each of the compensations it sets off (their count given in the same order).
     */
    private static Stream<FaultCase> cases(int cleanCalls, List<Integer> turnBackAt, List<Integer> compensations) {
        List<FaultCase> cases = FaultCase.everyKindAtEachCall(cleanCalls);
        for (int i = 0; i < turnBackAt.size(); i++) {
            int first = turnBackAt.get(i);
            for (int call = first + 1; call <= first + compensations.get(i); call++) {
                cases.addAll(FaultCase.everyKindAt(Optional.of(first), call));
            }
        }
        return cases.stream();
    }
}
