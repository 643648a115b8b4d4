package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.saga.SagaResult;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.transfer.Step;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.TransferStatus;
import io.artstore.ingester.storage.embedded.FileSagaLog;
import io.artstore.ingester.storage.embedded.FileSystemFileCatalog;
import io.artstore.ingester.storage.embedded.FileSystemLocks;
import io.artstore.ingester.storage.embedded.FileTransactionLog;
import io.artstore.ingester.storage.embedded.InMemoryCapacityReservations;
import io.artstore.ingester.storage.embedded.JsonLinesEventPublisher;
import io.artstore.ingester.storage.embedded.StaticStorageElements;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.local.LocalStorageSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash points around an upload to an HTTP storage element: the upload has landed, and the process dies before the
 * adapter's follow-up metadata write (PATCH; the fixture SE holds it unapplied), or after it but before the
 * coordinator records the staged copy (the log holds that append). The thread stopped there runs no further line
 * while the test "restarts": it closes the file-backed logs as they stand and opens new
 * adapters and logs on the same disk and SEs, whose recovery must leave no copy that the catalogue does not know.
 */
class HttpCrashPointsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final byte[] CONTENT = "the east transept, surveyed in 1913\n".repeat(300).getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    private SeFixtures fixtures;
    private final ExecutorService dying = Executors.newSingleThreadExecutor();

    @BeforeEach
    void startFixtures() throws IOException {
        fixtures = new SeFixtures(Files.createDirectories(root.resolve("se")), false);
    }

    /** Stopping the SEs answers the held PATCH; the abandoned thread then fails against closed stores and ends. */
    @AfterEach
    void stop() throws InterruptedException {
        testOver.countDown();
        fixtures.close();
        dying.shutdownNow();
        assertThat(dying.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    /** One process of a transfer from a local edit element to an HTTP rw SE, over the file-backed stores. */
    private final class TransferProcess implements AutoCloseable {
        final Path data = root.resolve("data");
        final LocalStorageElement edit = LocalStorageElement.open(LocalStorageSettings.of(StorageElementId.of("local-edit"),
                Mode.EDIT, data.resolve("edit"), 0), ManualClock.atSomeInstant());
        final HttpStorageElement rw;
        final FileSystemFileCatalog catalog = FileSystemFileCatalog.open(data.resolve("catalog"));
        final JsonLinesEventPublisher events = JsonLinesEventPublisher.open(data.resolve("events.jsonl"));
        final FileTransactionLog log = FileTransactionLog.open(data.resolve("transfers"));
        final FileSystemLocks locks = FileSystemLocks.open(data.resolve("locks"));
        final TransferCoordinator coordinator;

        TransferProcess(StorageElementServer rwServer) {
            this(rwServer, Optional.empty());
        }

        /** @param dieBefore the step whose record this process never writes: its thread stops there */
        TransferProcess(StorageElementServer rwServer, Optional<Step> dieBefore) {
            rw = fixtures.element(fixtures.settings(StorageElementId.of("http-rw"), rwServer, Mode.RW, 0));
            StaticStorageElements elements = new StaticStorageElements(List.<StorageElement>of(edit, rw));
            TransactionLog records = dieBefore.<TransactionLog>map(step -> new DyingBefore(log, step)).orElse(log);
            coordinator = new TransferCoordinator(new FileLocator(catalog, elements), elements,
                    new StorageElementSelector(elements, new InMemoryCapacityReservations(), StorageElementSelector.DEFAULT_GROWTH_STEP),
                    catalog, events, records, locks, ManualClock.atSomeInstant());
        }

        /** Closes the files as they stand; nothing else of this process runs again. */
        @Override
        public void close() throws IOException {
            events.close();
            log.close();
            catalog.close();
        }
    }

    /** Where the process dies: the thread that would write the record waits there until the test ends. */
    private final CountDownLatch reachedRecord = new CountDownLatch(1);
    private final CountDownLatch testOver = new CountDownLatch(1);

    /** The transaction log of a process that dies just before it records {@code step}: the record is never written. */
    private final class DyingBefore implements TransactionLog {
        private final TransactionLog log;
        private final Step step;

        DyingBefore(TransactionLog log, Step step) {
            this.log = log;
            this.step = step;
        }

        @Override
        public void append(TransactionRecord record) {
            if (record instanceof TransactionRecord.StepCompleted completed && completed.step() == step) {
                reachedRecord.countDown();
                try {
                    testOver.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("the process died before recording " + step);
            }
            log.append(record);
        }

        @Override
        public List<TransactionRecord> load(TransactionId id) {
            return log.load(id);
        }

        @Override
        public List<TransactionId> unfinished() {
            return log.unfinished();
        }

        @Override
        public List<TransactionId> findByFile(FileId fileId) {
            return log.findByFile(fileId);
        }
    }

    @Test
    void a_transfer_killed_between_the_upload_and_its_record_is_aborted_and_leaves_no_copy_on_the_target()
            throws Exception {
        StorageElementServer rwServer = fixtures.start(Mode.RW);
        TransferProcess first = new TransferProcess(rwServer, Optional.of(Step.TARGET_STAGED));
        FileAttributes original = first.edit.store(aStoreRequest().fileId(FileId.random()).originalFilename("apse.pdf")
                .metadata(Map.of("project", "east")).build(), new ByteArrayInputStream(CONTENT));
        first.catalog.put(new CatalogEntry(first.edit.id(), Mode.EDIT, original));

        dying.submit(() -> first.coordinator.begin(original.fileId(), Optional.empty()));
        assertThat(reachedRecord.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the copy was uploaded, not recorded").isTrue();
        assertThat(SeFixtures.storedFiles(rwServer.dataFolder())).as("the copy is on the rw SE").hasSize(2);
        assertThat(SeFixtures.attrMetadata(rwServer.dataFolder(), original.fileId())).as("with its complete metadata")
                .containsEntry("project", "east");
        first.close();

        try (TransferProcess second = new TransferProcess(rwServer)) {
            rwServer.clearFileRequests();
            List<TransferStatus> recovered = second.coordinator.recover();

            assertThat(recovered).singleElement().satisfies(status ->
                    assertThat(status.state()).as(status.toString()).isEqualTo(TransferState.ABORTED));
            assertThat(rwServer.fileRequests()).as("the abort is the GC delete on the rw SE")
                    .contains("DELETE /api/v1/gc/" + original.fileId());
            assertThat(SeFixtures.storedFiles(rwServer.dataFolder())).as("no copy left on the rw SE").isEmpty();
            assertThat(second.catalog.find(original.fileId()).orElseThrow().elementId()).isEqualTo(second.edit.id());
            assertThat(second.edit.stat(original.fileId()).orElseThrow().checksum()).isEqualTo(original.checksum());
            assertThat(second.locks.held()).isEmpty();
            assertThat(second.log.unfinished()).isEmpty();
        } finally {
            testOver.countDown();
        }
    }

    @Test
    void a_transfer_killed_between_the_upload_and_its_metadata_write_is_aborted_and_leaves_no_copy_on_the_target()
            throws Exception {
        StorageElementServer rwServer = fixtures.start(Mode.RW);
        TransferProcess first = new TransferProcess(rwServer);
        FileAttributes original = first.edit.store(aStoreRequest().fileId(FileId.random()).originalFilename("transept.pdf")
                .metadata(Map.of("project", "east")).build(), new ByteArrayInputStream(CONTENT));
        first.catalog.put(new CatalogEntry(first.edit.id(), Mode.EDIT, original));
        rwServer.faults().holdUpdates();

        dying.submit(() -> first.coordinator.begin(original.fileId(), Optional.empty()));
        assertThat(rwServer.faults().awaitHeldUpdate(TIMEOUT)).as("the upload landed and its PATCH was sent").isTrue();
        assertThat(SeFixtures.storedFiles(rwServer.dataFolder())).as("the copy is on the rw SE").isNotEmpty();
        first.close();

        try (TransferProcess second = new TransferProcess(rwServer)) {
            List<TransferStatus> recovered = second.coordinator.recover();

            assertThat(recovered).singleElement().satisfies(status -> {
                assertThat(status.state()).as(status.toString()).isEqualTo(TransferState.ABORTED);
                assertThat(status.error()).hasValueSatisfying(error -> assertThat(error).contains("presumed abort"));
            });
            assertThat(SeFixtures.storedFiles(rwServer.dataFolder())).as("no copy left on the rw SE").isEmpty();
            assertThat(second.rw.stat(original.fileId())).isEmpty();
            assertThat(second.rw.staged(original.fileId())).isEmpty();
            assertThat(second.edit.stat(original.fileId()).orElseThrow().checksum()).isEqualTo(original.checksum());
            assertThat(second.catalog.find(original.fileId()).orElseThrow().elementId()).isEqualTo(second.edit.id());
            assertThat(second.locks.held()).isEmpty();
            assertThat(second.log.unfinished()).isEmpty();
        }
    }

    /** One process of adds to an HTTP edit SE, with the file-backed saga log. */
    private final class AddProcess implements AutoCloseable {
        final Path data = root.resolve("data");
        final HttpStorageElement edit;
        final FileSystemFileCatalog catalog = FileSystemFileCatalog.open(data.resolve("catalog"));
        final JsonLinesEventPublisher events = JsonLinesEventPublisher.open(data.resolve("events.jsonl"));
        final FileSagaLog sagaLog = FileSagaLog.open(data.resolve("sagas"), FileSagas.INSTANCE);
        final FileSagas sagas;

        AddProcess(StorageElementServer editServer, ManualClock clock) {
            edit = fixtures.element(fixtures.settings(StorageElementId.of("http-edit"), editServer, Mode.EDIT, 0));
            sagas = new FileSagas(new FileSagas.Ports(new StaticStorageElements(List.<StorageElement>of(edit)),
                    new InMemoryCapacityReservations(), catalog, events, FileSystemLocks.open(data.resolve("locks")), sagaLog),
                    clock, Optional.empty());
        }

        @Override
        public void close() {
            sagaLog.close();
            events.close();
            catalog.close();
        }
    }

    @Test
    void an_add_killed_between_the_upload_and_its_metadata_write_is_compensated_and_leaves_no_copy() throws Exception {
        StorageElementServer editServer = fixtures.start(Mode.EDIT);
        ManualClock clock = ManualClock.atSomeInstant();
        AddProcess first = new AddProcess(editServer, clock);
        editServer.faults().holdUpdates();

        dying.submit(() -> first.sagas.add().add(anAddFileCommand().build(), new ByteArrayInputStream(CONTENT)));
        assertThat(editServer.faults().awaitHeldUpdate(TIMEOUT)).as("the upload landed and its PATCH was sent").isTrue();
        assertThat(SeFixtures.storedFiles(editServer.dataFolder())).as("the copy is on the edit SE").isNotEmpty();
        first.close();

        try (AddProcess second = new AddProcess(editServer, clock)) {
            List<SagaResult<?>> recovered = second.sagas.recover();

            assertThat(recovered).as("the add is recovered").hasSize(1);
            assertThat(second.sagaLog.unfinished()).isEmpty();
            assertThat(second.sagaLog.list(SagaState.FAILED_COMPENSATION)).isEmpty();
            assertThat(SeFixtures.storedFiles(editServer.dataFolder())).as("no copy left on the edit SE").isEmpty();
            assertThat(second.catalog.size()).as("nothing catalogued").isZero();
        }
    }
}
