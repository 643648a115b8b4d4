package io.artstore.ingester.kafka.tasks;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.FakeSigner;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.testing.ClockSleeper;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.tasks.CompressFile;
import io.artstore.ingester.core.tasks.CompressFileSaga;
import io.artstore.ingester.core.tasks.SignFile;
import io.artstore.ingester.core.tasks.TaskRunner;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.core.testing.DecompressingOriginals;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import io.artstore.ingester.core.transfer.InMemoryLocks;
import io.artstore.ingester.kafka.fixture.KafkaBrokerExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code compress_file} and {@code sign_file} through the Kafka task queue of a real broker, run by a group of two
 * workers; every task also delivered a second time, as at-least-once delivery may: each file is compressed by one
 * saga and signed once, with one event of each.
 */
class KafkaFileTasksIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final byte[] CONTENT = "a line of text that compresses well\n".repeat(2_000).getBytes(StandardCharsets.UTF_8);
    private static final Map<CompressionAlgorithm, Codec> CODECS = Map.of(CompressionAlgorithm.GZIP, new GzipCodec(1));
    private static final DecompressingOriginals ORIGINALS = new DecompressingOriginals(CODECS);

    private final KafkaTaskSettings settings = new KafkaTaskSettings(KAFKA.bootstrapServers(), Map.of(),
            "tasks-" + UUID.randomUUID(), "workers-" + UUID.randomUUID(), Duration.ofMillis(200));
    private final List<AutoCloseable> opened = new ArrayList<>();

    private final ManualClock clock = ManualClock.atSomeInstant();
    private final InMemoryStorageElement edit = InMemoryStorageElement.of("edit-1", Mode.EDIT);
    private final List<StorageElement> elements = List.of(edit);
    private final InMemoryFileCatalog catalog = new InMemoryFileCatalog();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final InMemoryLocks locks = new InMemoryLocks();
    private final InMemorySagaLog sagaLog = new InMemorySagaLog();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** One instance's worker: its own orchestrator over the shared stores. */
    private TaskRunner runner(String instance) {
        CompressFileSaga saga = new CompressFileSaga(() -> elements, catalog, events, locks, CODECS, Optional.empty(),
                ORIGINALS, clock);
        SagaOrchestrator orchestrator = new SagaOrchestrator(sagaLog, List.of(saga.definition()),
                new SagaEngine(JitterSource.hashed()), new SagaOrchestrator.Settings(instance, Duration.ofMinutes(1),
                        Duration.ofDays(1)), clock, new ClockSleeper(clock), SagaListener.NONE);
        return new TaskRunner(List.of(new CompressFile(catalog, saga, orchestrator), new SignFile(() -> elements, catalog,
                events, locks, new FakeSigner(SignatureAlgorithm.ECDSA_P256_SHA256, clock), ORIGINALS, clock)));
    }

    @Test
    void files_are_compressed_and_signed_once_through_the_topic_even_when_each_task_comes_twice() throws Exception {
        FileSagas adding = new FileSagas(new FileSagas.Ports(() -> elements, new FakeCapacityReservations(), catalog,
                events, locks, sagaLog), clock, Optional.empty());
        List<FileId> files = new ArrayList<>();
        Set<Integer> partitions = new HashSet<>();
        // Both workers must get work: keep adding files until their keys fall on both partitions of the topic.
        while (files.size() < 6 || partitions.size() < 2) {
            FileId fileId = adding.add().add(anAddFileCommand().build(), new ByteArrayInputStream(CONTENT)).entry().fileId();
            files.add(fileId);
            partitions.add(partitionOf(fileId));
        }
        TwoWorkers workers = TwoWorkers.start(settings, runner("instance-1"), runner("instance-2"), opened, WAIT);
        KafkaTaskQueue queue = new KafkaTaskQueue(settings);
        opened.add(queue);

        List<Task> tasks = new ArrayList<>();
        for (FileId fileId : files) {
            tasks.add(Task.of(CompressFile.TYPE, Map.of(CompressFile.FILE_ID, fileId.toString(), CompressFile.ALGORITHM, "gzip"),
                    clock.instant()));
            tasks.add(Task.of(SignFile.TYPE, Map.of(SignFile.FILE_ID, fileId.toString()), clock.instant()));
        }
        for (Task task : tasks) {
            queue.submit(task);
        }
        // The same tasks again, as a redelivery brings them: keyed by file, they follow the first ones in order.
        for (Task task : tasks) {
            queue.submit(task);
        }
        Await.until(WAIT, "every delivery run and committed", () -> workers.finished() == 2L * tasks.size());

        assertThat(queue.depth().waiting()).isZero();
        assertThat(workers.first().finished()).isPositive();
        assertThat(workers.second().finished()).isPositive();
        assertThat(sagaLog.list(SagaState.COMPLETED).stream().filter(saga -> saga.sagaType().equals(CompressFileSaga.TYPE)))
                .as("one compress saga per file").hasSize(files.size());
        assertThat(sagaLog.unfinished()).isEmpty();
        for (FileId fileId : files) {
            FileAttributes attributes = catalog.find(fileId).orElseThrow().attributes();
            assertThat(attributes.content().compressed()).isTrue();
            assertThat(attributes.metadata().get(StoredContent.METADATA_KEY)).asString().contains("signature");
            assertThat(edit.stat(fileId).orElseThrow().checksum()).isEqualTo(attributes.checksum());
            assertThat(edit.readSidecar(fileId, DetachedSignature.SIDECAR_SUFFIX)).isPresent();
            assertThat(edit.readSidecar(fileId, StorageElement.REPLACED_SUFFIX)).isEmpty();
            assertThat(ORIGINALS.readAll(edit, attributes)).isEqualTo(CONTENT);
            assertThat(events.published().stream().filter(event -> event.fileId().equals(fileId)).map(FileEvent::type))
                    .containsOnlyOnce(FileEvent.Type.FILE_COMPRESSED, FileEvent.Type.FILE_SIGNED);
            assertThat(locks.holder(fileId)).isEmpty();
        }
    }

    /** The partition of the two that Kafka's default partitioner gives a task keyed by this file. */
    private static int partitionOf(FileId fileId) {
        return Utils.toPositive(Utils.murmur2(fileId.toString().getBytes(StandardCharsets.UTF_8))) % 2;
    }
}
