package io.artstore.ingester.core.tasks;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.core.port.in.TaskReport;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.testing.ClockSleeper;
import io.artstore.ingester.core.saga.testing.FaultCase;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.saga.testing.StepFaults;
import io.artstore.ingester.core.testing.DecompressingOriginals;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import io.artstore.ingester.core.transfer.InMemoryLocks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A fault at every step of the compress saga and of its compensations, before and after the step's side effect: a
 * crash (the process is abandoned; a new one over the same stores recovers, and the task is delivered again) or a
 * failed attempt. Afterwards exactly one version of the file is stored and catalogued, element and catalogue agree,
 * no copy is left staged or kept beside it, the original bytes read back with their checksum, and one more delivery
 * of the task leaves the file compressed with one FILE_COMPRESSED event. Run over each kind of element by a subclass.
 */
public abstract class CompressFileFaultInjectionMatrix {

    /** The storage element under test, as a restarted process finds it. */
    public interface ElementHost {
        StorageElement current();

        /** What a new process opens: the element over the same storage. */
        void restart();
    }

    /** A fresh edit element, one per world. */
    protected abstract ElementHost newHost();

    private static final byte[] CONTENT = "a line of text that compresses well, again and again\n".repeat(500)
            .getBytes(StandardCharsets.UTF_8);
    private static final Map<CompressionAlgorithm, Codec> CODECS = Map.of(CompressionAlgorithm.GZIP, new GzipCodec(1));
    static final DecompressingOriginals ORIGINALS = new DecompressingOriginals(CODECS);

    /** Stores that outlive the processes using them. */
    private final class World {
        final ManualClock clock = ManualClock.atSomeInstant();
        final ElementHost host = newHost();
        final InMemoryFileCatalog catalog = new InMemoryFileCatalog();
        final RecordingEventPublisher events = new RecordingEventPublisher();
        final InMemoryLocks locks = new InMemoryLocks();
        final InMemorySagaLog sagaLog = new InMemorySagaLog();
        final FileId fileId;

        World() {
            FileSagas adding = new FileSagas(new FileSagas.Ports(() -> List.of(host.current()), new FakeCapacityReservations(), catalog,
                    events, locks, sagaLog), clock, Optional.empty());
            fileId = adding.add().add(anAddFileCommand().build(), new ByteArrayInputStream(CONTENT)).entry().fileId();
        }

        Process process() {
            return new Process(this);
        }

        Process survive(Process process, Task task) {
            try {
                process.handler.run(task);
                return process;
            } catch (SimulatedCrash crash) {
                host.restart();
                Process next = process();
                next.orchestrator.recover();
                return next;
            } catch (IngestException refused) {
                return process;
            }
        }

        CatalogEntry entry() {
            return catalog.find(fileId).orElseThrow();
        }

        List<FileEvent.Type> compressedEvents() {
            return events.published().stream().filter(event -> event.fileId().equals(fileId))
                    .map(FileEvent::type).filter(type -> type == FileEvent.Type.FILE_COMPRESSED).toList();
        }

        /** Exactly one complete version: the catalogue's, served by the element, reading back the original bytes. */
        void assertOneWholeVersion() {
            assertThat(sagaLog.unfinished()).as("unfinished sagas").isEmpty();
            assertThat(sagaLog.list(SagaState.FAILED_COMPENSATION)).as("parked sagas").isEmpty();
            FileAttributes catalogued = entry().attributes();
            StorageElement edit = host.current();
            FileAttributes served = edit.stat(fileId).orElseThrow();
            assertThat(served.checksum()).as("the element serves the catalogued version").isEqualTo(catalogued.checksum());
            // The content facts, not the maps: an element reading its attr.json back narrows numbers (26500L becomes 26500).
            assertThat(served.content()).isEqualTo(catalogued.content());
            assertThat(edit.staged(fileId)).as("a staged copy left").isEmpty();
            assertThat(edit.readSidecar(fileId, StorageElement.REPLACED_SUFFIX)).as("the original kept beside").isEmpty();
            assertThat(locks.holder(fileId)).as("the file's lock").isEmpty();
            assertThat(readOriginal(edit, catalogued)).isEqualTo(CONTENT);
            assertThat(catalogued.content().originalChecksum()).isEqualTo(sha256(CONTENT));
            assertThat(compressedEvents()).hasSize(catalogued.content().compressed() ? 1 : 0);
        }
    }

    /** One process: an orchestrator and the task handler over the world's stores, with faults around the saga. */
    private static final class Process {
        final StepFaults<CompressFileSaga.Data> faults = new StepFaults<>();
        final SagaOrchestrator orchestrator;
        final CompressFile handler;

        Process(World world) {
            CompressFileSaga saga = new CompressFileSaga(() -> List.of(world.host.current()), world.catalog, world.events, world.locks,
                    CODECS, Optional.empty(), ORIGINALS, world.clock)
                    .intercepted(faults);
            orchestrator = new SagaOrchestrator(world.sagaLog, List.of(saga.definition()), new SagaEngine(JitterSource.hashed()),
                    new SagaOrchestrator.Settings(FileSagas.INSTANCE, Duration.ofMinutes(1), Duration.ofDays(1)), world.clock,
                    new ClockSleeper(world.clock), SagaListener.NONE);
            handler = new CompressFile(world.catalog, saga, orchestrator);
        }
    }

    static Task task(FileId fileId) {
        return new Task("task-1", CompressFile.TYPE, Map.of(CompressFile.FILE_ID, fileId.toString(),
                CompressFile.ALGORITHM, "gzip"), java.time.Instant.EPOCH);
    }

    private Stream<FaultCase> faults() {
        World clean = new World();
        Process process = clean.process();
        process.handler.run(task(clean.fileId));
        int cleanCalls = process.faults.calls().size();
        // A permanent failure of the staging or the pivot turns the saga back: faults in its compensations too.
        return FaultCase.matrix(cleanCalls, first -> {
            World world = new World();
            Process turning = world.process();
            turning.faults.arm(first, StepFaults.Kind.FAIL_BEFORE);
            world.survive(turning, task(world.fileId));
            return turning.faults.calls();
        }, List.of(1, 2));
    }

    @TestFactory
    Stream<DynamicTest> exactly_one_whole_version_remains_whatever_fails_and_a_redelivery_finishes_the_job() {
        return faults().map(fault -> DynamicTest.dynamicTest(fault.toString(), () -> oneWholeVersionAfter(fault)));
    }

    private void oneWholeVersionAfter(FaultCase fault) {
        World world = new World();
        Process process = world.process();
        fault.arm(process.faults);

        Process survivor = world.survive(process, task(world.fileId));
        survivor.orchestrator.recover();

        assertThat(process.faults.fired()).as("faults that went off").isPositive();
        world.assertOneWholeVersion();

        // At least once: the task comes again and finds the job done, or does it now.
        world.survive(survivor, task(world.fileId));
        world.assertOneWholeVersion();
        assertThat(world.entry().attributes().content().compressed()).isTrue();
        assertThat(world.compressedEvents()).hasSize(1);
        assertThat(world.events.published().stream().filter(event -> event.type() == FileEvent.Type.FILE_COMPRESSED))
                .singleElement().satisfies(event -> assertThat(event.attributes()).hasValueSatisfying(file ->
                        assertThat(file.compression()).hasValueSatisfying(compression ->
                                assertThat(compression.originalChecksum()).isEqualTo(sha256(CONTENT)))));
    }

    @Test
    void compresses_keeping_the_original_checksum_and_a_second_delivery_does_nothing() {
        World world = new World();
        Process process = world.process();
        Sha256 uploaded = world.entry().attributes().checksum();

        TaskReport first = process.handler.run(task(world.fileId));
        TaskReport second = process.handler.run(task(world.fileId));

        assertThat(first.facts()).containsEntry("outcome", "compressed");
        assertThat(second.facts()).containsEntry("outcome", "done_before");
        StoredContent content = world.entry().attributes().content();
        assertThat(content.compression()).contains(CompressionAlgorithm.GZIP);
        assertThat(content.originalChecksum()).isEqualTo(uploaded);
        assertThat(content.storedSize()).isLessThan(CONTENT.length / 4);
        assertThat(process.faults.calls()).containsExactly(CompressFileSaga.LOCK_FILE, CompressFileSaga.STAGE_COMPRESSED,
                CompressFileSaga.SWITCH_TO_COMPRESSED, CompressFileSaga.RECORD_IN_CATALOGUE, CompressFileSaga.DELETE_ORIGINAL,
                CompressFileSaga.PUBLISH_FILE_COMPRESSED, CompressFileSaga.UNLOCK_FILE);
        world.assertOneWholeVersion();
    }

    @Test
    void incompressible_data_is_recorded_as_such_and_read_back_unchanged() {
        World world = new World();
        byte[] random = new byte[200_000];
        new java.util.Random(7).nextBytes(random);
        FileSagas adding = new FileSagas(new FileSagas.Ports(() -> List.of(world.host.current()), new FakeCapacityReservations(),
                world.catalog, world.events, world.locks, world.sagaLog), world.clock, Optional.empty());
        FileId fileId = adding.add().add(anAddFileCommand().build(), new ByteArrayInputStream(random)).entry().fileId();

        TaskReport report = world.process().handler.run(task(fileId));

        assertThat(report.facts()).containsEntry("outcome", "compressed_incompressible");
        FileAttributes attributes = world.catalog.find(fileId).orElseThrow().attributes();
        assertThat(attributes.content().compressionSkipped()).contains(StoredContent.SKIPPED_INCOMPRESSIBLE);
        assertThat(readOriginal(world.host.current(), attributes)).isEqualTo(random);
    }

    @Test
    void a_file_locked_by_another_operation_is_tried_again_later() {
        World world = new World();
        world.locks.tryLock(world.fileId, io.artstore.ingester.core.port.out.Locks.Operation.DELETE, "a-delete");

        assertThatThrownBy(() -> world.process().handler.run(task(world.fileId)))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(IngestException.Kind.UNAVAILABLE);
                    assertThat(e.code()).isEqualTo("file_locked");
                });
        assertThat(world.entry().attributes().content().compressed()).isFalse();
        assertThat(world.host.current().staged(world.fileId)).isEmpty();
    }

    static byte[] readOriginal(StorageElement element, FileAttributes attributes) {
        return ORIGINALS.readAll(element, attributes);
    }

    static Sha256 sha256(byte[] bytes) {
        try {
            return Sha256.of(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
