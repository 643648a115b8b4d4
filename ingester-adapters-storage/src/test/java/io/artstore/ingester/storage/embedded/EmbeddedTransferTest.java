package io.artstore.ingester.storage.embedded;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import io.artstore.ingester.core.transfer.Participant;
import io.artstore.ingester.core.transfer.Step;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.TransferStatus;
import io.artstore.ingester.core.transfer.Verdict;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.local.LocalStorageSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transfer over the embedded stores as the server will wire them: two local storage elements, the file
 * catalogue, the event log, the transfer log and the file locks, all on disk, reopened as after a restart.
 */
class EmbeddedTransferTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    private static final byte[] CONTENT = "the north wall, surveyed in 1911\n".repeat(200).getBytes(StandardCharsets.UTF_8);
    private static final byte[] SIGNATURE = "detached signature".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path data;

    private Stores stores;

    /** Everything a process holds open; reopening them is a restart. */
    private final class Stores implements AutoCloseable {
        final LocalStorageElement edit;
        final LocalStorageElement rw;
        final StaticStorageElements elements;
        final FileSystemFileCatalog catalog;
        final JsonLinesEventPublisher events;
        final FileTransactionLog log;
        final FileSystemLocks locks;
        final TransferCoordinator coordinator;

        Stores() {
            this(data, FramedLogFile.Faults.NONE);
        }

        Stores(Path root, FramedLogFile.Faults faults) {
            edit = LocalStorageElement.open(
                    LocalStorageSettings.of(StorageElementId.of("local-edit"), Mode.EDIT, root.resolve("edit"), 0), CLOCK);
            rw = LocalStorageElement.open(
                    LocalStorageSettings.of(StorageElementId.of("local-rw"), Mode.RW, root.resolve("rw"), 0), CLOCK);
            elements = new StaticStorageElements(List.<StorageElement>of(edit, rw));
            catalog = FileSystemFileCatalog.open(root.resolve("catalog"));
            events = JsonLinesEventPublisher.open(root.resolve("events.jsonl"));
            log = FileTransactionLog.open(root.resolve("transfers"), LogOptions.DEFAULT, faults);
            locks = FileSystemLocks.open(root.resolve("locks"));
            coordinator = new TransferCoordinator(new FileLocator(catalog, elements), elements,
                    new StorageElementSelector(elements, new InMemoryCapacityReservations(), StorageElementSelector.DEFAULT_GROWTH_STEP),
                    catalog, events, log, locks, CLOCK);
        }

        @Override
        public void close() throws IOException {
            events.close();
            log.close();
            catalog.close();
        }
    }

    @AfterEach
    void closeStores() throws IOException {
        stores.close();
    }

    @Test
    void a_transfer_moves_the_file_and_its_signature_between_local_elements() throws IOException {
        stores = new Stores();
        FileAttributes original = seed();

        TransactionId id = stores.coordinator.begin(original.fileId(), Optional.empty());

        assertThat(stores.coordinator.status(id).state()).isEqualTo(TransferState.COMMITTED);
        assertMovedIntact(original);
        stores.close();
        stores = new Stores();
        assertMovedIntact(original);
        assertThat(stores.coordinator.status(id).state()).isEqualTo(TransferState.COMMITTED);
        assertThat(Files.readString(data.resolve("events.jsonl"))).contains("file_transferred");
    }

    /**
     * The elements copy the file between themselves; a copy whose bytes are not the file's (here the source's bytes
     * changed under their attributes) is refused, discarded, and the file stays where it was.
     */
    @Test
    void a_copy_whose_bytes_are_not_the_files_is_aborted_and_the_file_stays_on_its_element() throws IOException {
        stores = new Stores();
        FileAttributes original = seed();
        Path source = stores.edit.localFile(original.fileId()).orElseThrow();
        byte[] damaged = Files.readAllBytes(source);
        damaged[damaged.length / 2] ^= 1;
        Files.write(source, damaged);

        TransactionId id = stores.coordinator.begin(original.fileId(), Optional.empty());

        TransferStatus status = stores.coordinator.status(id);
        assertThat(status.state()).isEqualTo(TransferState.ABORTED);
        assertThat(status.error()).hasValueSatisfying(reason -> assertThat(reason).contains("reads back as")
                .contains(original.checksum().toString()));
        assertThat(stores.edit.stat(original.fileId())).isPresent();
        assertThat(stores.rw.stat(original.fileId())).isEmpty();
        assertThat(stores.rw.staged(original.fileId())).isEmpty();
        assertThat(stores.catalog.find(original.fileId()).orElseThrow().elementId()).isEqualTo(stores.edit.id());
        assertThat(stores.locks.held()).isEmpty();
    }

    @Test
    void a_transfer_whose_commit_was_decided_before_a_restart_is_finished_by_recovery() throws IOException {
        stores = new Stores();
        FileAttributes original = seed();
        TransactionId id = decideCommitThenDie(original);
        stores.close();

        stores = new Stores();
        assertThat(stores.locks.holder(original.fileId())).as("the lock survived the restart").isPresent();
        List<TransferStatus> recovered = stores.coordinator.recover();

        assertThat(recovered).singleElement().extracting(TransferStatus::state).isEqualTo(TransferState.COMMITTED);
        assertThat(stores.coordinator.status(id).checksumVerified()).isTrue();
        assertMovedIntact(original);
    }

    @Test
    void a_transfer_without_decision_at_a_restart_is_aborted_by_recovery() throws IOException {
        stores = new Stores();
        FileAttributes original = seed();
        TransactionId id = decideCommitThenDie(original);
        stores.close();
        // Cut the log just before its decision, as if the process died before it was forced.
        Path logFile = data.resolve("transfers").resolve(FileTransactionLog.FILE_NAME);
        byte[] bytes = Files.readAllBytes(logFile);
        Files.write(logFile, Arrays.copyOf(bytes, bytes.length - 5));

        stores = new Stores();
        stores.coordinator.recover();

        assertThat(stores.coordinator.status(id).state()).isEqualTo(TransferState.ABORTED);
        assertThat(stores.edit.stat(original.fileId())).isPresent();
        assertThat(stores.rw.stat(original.fileId())).isEmpty();
        assertThat(stores.rw.staged(original.fileId())).isEmpty();
        assertThat(stores.catalog.find(original.fileId()).orElseThrow().elementId()).isEqualTo(stores.edit.id());
        assertThat(stores.locks.held()).isEmpty();
        assertThat(stores.log.unfinished()).isEmpty();
    }

    /**
     * The process dies after a transfer log record is written and before it is forced, at every record of a
     * transfer; of the unforced bytes none, half or all reach the disk. After the restart the record is whole
     * or cut off cleanly, and recovery takes the transfer to an end with the file intact in one element.
     */
    @Test
    void a_crash_between_writing_a_transfer_record_and_forcing_it_is_recovered_at_every_record() throws IOException {
        stores = new Stores();
        int records = 0;
        for (boolean crashed = true; crashed; ) {
            records++;
            crashed = false;
            for (double kept : new double[] {0, 0.5, 1}) {
                Path root = data.resolve("crash-" + records + "-" + kept);
                CrashAfterWrite crash = new CrashAfterWrite(records, kept);
                Stores dying = new Stores(root, crash);
                FileAttributes original = seedInto(dying);
                TransactionId id = null;
                try {
                    id = dying.coordinator.begin(original.fileId(), Optional.empty());
                } catch (SimulatedCrash expected) {
                    crashed = true;
                } finally {
                    dying.close();
                }
                if (!crashed) {
                    assertThat(dying.coordinator.status(id).state()).isEqualTo(TransferState.COMMITTED);
                    break;
                }
                try (Stores restarted = new Stores(root, FramedLogFile.Faults.NONE)) {
                    restarted.coordinator.recover();
                    String at = "crash after writing record " + records + ", " + kept + " of it on disk";
                    assertThat(restarted.log.unfinished()).as(at).isEmpty();
                    assertThat(restarted.locks.held()).as(at).isEmpty();
                    boolean moved = restarted.rw.stat(original.fileId()).isPresent();
                    assertThat(restarted.edit.stat(original.fileId()).isPresent()).as(at).isNotEqualTo(moved);
                    assertThat(restarted.catalog.find(original.fileId()).orElseThrow().elementId())
                            .as(at).isEqualTo(moved ? restarted.rw.id() : restarted.edit.id());
                    assertThat(restarted.rw.staged(original.fileId())).as(at).isEmpty();
                }
            }
        }
        assertThat(records).as("records a transfer writes").isGreaterThan(4);
    }

    private FileAttributes seedInto(Stores into) {
        Stores before = stores;
        stores = into;
        try {
            return seed();
        } finally {
            stores = before;
        }
    }

    private FileAttributes seed() {
        FileAttributes attributes = stores.edit.store(aStoreRequest().fileId(FileId.random()).originalFilename("north wall.pdf")
                .metadata(Map.of("ingester", Map.of("original_size", CONTENT.length, "compressed", false))).build(),
                new ByteArrayInputStream(CONTENT));
        stores.edit.writeSidecar(attributes.fileId(), TransferCoordinator.SIGNATURE_SUFFIX, SIGNATURE);
        stores.catalog.put(new CatalogEntry(stores.edit.id(), Mode.EDIT, attributes));
        return attributes;
    }

    /** Phase one by hand, up to a forced commit decision; then the process "dies". */
    private TransactionId decideCommitThenDie(FileAttributes original) throws IOException {
        TransactionId id = TransactionId.random();
        Locks.Lock lock = stores.locks.tryLock(original.fileId(), Locks.Operation.TRANSFER, id.toString()).orElseThrow();
        Instant now = CLOCK.instant();
        stores.log.append(new TransactionRecord.Begun(id, original.fileId(), stores.edit.id(), stores.rw.id(),
                original.checksum(), original.fileSize(), lock.fencingToken(), now));
        stores.log.append(new TransactionRecord.Voted(id, Participant.SOURCE, true, Optional.empty(), now));
        try (InputStream content = stores.edit.open(original.fileId()).orElseThrow()) {
            stores.rw.stage(aStoreRequest().fileId(original.fileId()).originalFilename(original.originalFilename())
                    .createdAt(original.createdAt()).metadata(original.metadata()).build(), content);
        }
        stores.log.append(new TransactionRecord.StepCompleted(id, Step.TARGET_STAGED, now));
        stores.log.append(new TransactionRecord.Voted(id, Participant.TARGET, true, Optional.empty(), now));
        stores.log.append(new TransactionRecord.Decided(id, Verdict.COMMIT, Optional.empty(), now));
        return id;
    }

    private void assertMovedIntact(FileAttributes original) throws IOException {
        FileId fileId = original.fileId();
        assertThat(stores.edit.stat(fileId)).isEmpty();
        assertThat(stores.edit.readSidecar(fileId, TransferCoordinator.SIGNATURE_SUFFIX)).isEmpty();
        FileAttributes moved = stores.rw.stat(fileId).orElseThrow();
        assertThat(moved.checksum()).isEqualTo(original.checksum());
        assertThat(moved.storageFilename()).isEqualTo(original.storageFilename());
        try (InputStream content = stores.rw.open(fileId).orElseThrow()) {
            assertThat(content.readAllBytes()).isEqualTo(CONTENT);
        }
        assertThat(stores.rw.readSidecar(fileId, TransferCoordinator.SIGNATURE_SUFFIX)).hasValue(SIGNATURE);
        assertThat(stores.rw.staged(fileId)).isEmpty();
        CatalogEntry entry = stores.catalog.find(fileId).orElseThrow();
        assertThat(entry.elementId()).isEqualTo(stores.rw.id());
        assertThat(entry.mode()).isEqualTo(Mode.RW);
        assertThat(stores.locks.held()).isEmpty();
        assertThat(stores.log.unfinished()).isEmpty();
    }
}
