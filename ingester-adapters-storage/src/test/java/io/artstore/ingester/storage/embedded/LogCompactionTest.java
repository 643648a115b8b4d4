package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaRecord.Kind;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.testing.SagaRecords;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import io.artstore.ingester.core.transfer.Participant;
import io.artstore.ingester.core.transfer.Step;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saga and transfer logs stay bounded however many sagas and transfers end: ended ones beyond those
 * retained are folded away, and a crash at any point of a compaction loses nothing.
 *
 * <p>Run with {@code -Dlogs.growth.dir=<folder>} the growth test leaves its logs there, for {@link LogReopenTiming}.
 *
 * <p>{@code -Dlogs.growth.lifecycles=100000} runs the growth test at that size and prints the figures (bytes on
 * disk, records held, reopen time); see docs/operations.md.
 */
class LogCompactionTest {

    private static final int LIFECYCLES = Integer.getInteger("logs.growth.lifecycles", 300);
    /** Where the growth test writes, when not in a temporary folder (a tmpfs measures without fsync costs). */
    private static final String GROWTH_DIR = System.getProperty("logs.growth.dir", "");
    private static final int RETAINED = Integer.getInteger("logs.growth.retained", 20);
    private static final LogOptions RETAIN = new LogOptions(false, RETAINED);
    private static final Instant T0 = SagaRecords.T0;
    private static final Sha256 CHECKSUM = Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

    @TempDir
    Path folder;

    @Test
    void the_logs_stay_bounded_through_many_add_and_delete_sagas_and_transfers() throws IOException {
        Path root = GROWTH_DIR.isEmpty() ? folder : Files.createTempDirectory(Files.createDirectories(Path.of(GROWTH_DIR)), "growth");
        Path sagas = root.resolve("sagas");
        Path transfers = root.resolve("transfers");
        long sagaPeak = 0;
        long transferPeak = 0;
        SagaId running = new SagaId("still-running");
        TransactionId unfinished = TransactionId.random();
        try (FileSagaLog sagaLog = FileSagaLog.open(sagas, "instance-a", RETAIN);
                FileTransactionLog transferLog = FileTransactionLog.open(transfers, RETAIN)) {
            sagaLog.append(SagaRecords.record(running, 0, Kind.SAGA_STARTED, "instance-a", T0));
            transferLog.append(begun(unfinished, 0));
            for (int i = 0; i < LIFECYCLES; i++) {
                lifecycle(sagaLog, new SagaId("add-" + i), 2 * i);
                lifecycle(sagaLog, new SagaId("delete-" + i), 2 * i + 1);
                transfer(transferLog, TransactionId.random(), i);
                sagaPeak = Math.max(sagaPeak, Files.size(sagas.resolve("saga-instance-a.log")));
                transferPeak = Math.max(transferPeak, Files.size(transfers.resolve(FileTransactionLog.FILE_NAME)));
            }
            // At most twice the retained ended sagas (8 records each) and transfers (7 records each), and the
            // unfinished ones: nothing grows with the number of lifecycles.
            assertThat(sagaLog.sagasHeld()).isLessThanOrEqualTo(2 * RETAINED + 2);
            assertThat(sagaLog.recordsHeld()).isLessThanOrEqualTo((2 * RETAINED + 2) * 8L);
            assertThat(transferLog.transactionsHeld()).isLessThanOrEqualTo(2 * RETAINED + 2);
        }
        // A saga record frames to under 500 bytes (about 260 here), a transfer record to under 250 (about 70).
        assertThat(sagaPeak).as("saga log bytes at most").isLessThan((2 * RETAINED + 3) * 8L * 500);
        assertThat(transferPeak).as("transfer log bytes at most").isLessThan((2 * RETAINED + 3) * 7L * 250);

        long started = System.nanoTime();
        try (FileSagaLog sagaLog = FileSagaLog.open(sagas, "instance-a", RETAIN);
                FileTransactionLog transferLog = FileTransactionLog.open(transfers, RETAIN)) {
            long reopenMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(sagaLog.unfinished()).extracting(summary -> summary.sagaId()).containsExactly(running);
            assertThat(sagaLog.list(SagaState.COMPLETED)).hasSizeGreaterThanOrEqualTo(RETAINED);
            assertThat(transferLog.unfinished()).containsExactly(unfinished);
            System.out.printf("log growth after %,d add+delete saga lifecycles and %,d transfers (retaining %d ended):%n"
                    + "  saga log: %,d bytes on disk (peak %,d), %,d sagas / %,d records held%n"
                    + "  transfer log: %,d bytes on disk (peak %,d), %,d transfers held%n"
                    + "  reopen of both: %,d ms%n", LIFECYCLES, LIFECYCLES, RETAINED,
                    Files.size(sagas.resolve("saga-instance-a.log")), sagaPeak, sagaLog.sagasHeld(), sagaLog.recordsHeld(),
                    Files.size(transfers.resolve(FileTransactionLog.FILE_NAME)), transferPeak, transferLog.transactionsHeld(),
                    reopenMillis);
        }
    }

    @Test
    void a_crash_at_any_point_of_a_saga_log_compaction_loses_nothing() throws IOException {
        for (FramedLogFile.CrashPoint point : List.of(FramedLogFile.CrashPoint.COMPACTED_NOT_RENAMED,
                FramedLogFile.CrashPoint.COMPACTED_RENAMED)) {
            Path sagas = folder.resolve("sagas-" + point);
            SagaId running = new SagaId("still-running");
            List<SagaRecord> runningRecords = SagaRecords.saga(running, "instance-a", 3);
            FileSagaLog dying = FileSagaLog.open(sagas, "instance-a", new LogOptions(false, 2), crashAt(point));
            dying.append(runningRecords.get(0));
            dying.append(runningRecords.get(1));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 10; i++) {
                    lifecycle(dying, new SagaId("ended-" + i), i);
                }
            }).isInstanceOf(SimulatedCrash.class);
            dying.close();

            try (FileSagaLog reopened = FileSagaLog.open(sagas, "instance-a", new LogOptions(false, 2))) {
                assertThat(reopened.load(running)).as("crash at " + point).containsExactlyElementsOf(runningRecords.subList(0, 2));
                assertThat(reopened.list(SagaState.COMPLETED)).as("crash at " + point).hasSizeGreaterThanOrEqualTo(2);
                reopened.append(runningRecords.get(2));
            }
            try (var files = Files.list(sagas)) {
                assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".compacting"));
            }
        }
    }

    @Test
    void a_crash_at_any_point_of_a_transfer_log_compaction_loses_nothing() throws IOException {
        for (FramedLogFile.CrashPoint point : List.of(FramedLogFile.CrashPoint.COMPACTED_NOT_RENAMED,
                FramedLogFile.CrashPoint.COMPACTED_RENAMED)) {
            Path transfers = folder.resolve("transfers-" + point);
            TransactionId unfinished = TransactionId.random();
            List<TransactionId> ended = new ArrayList<>();
            FileTransactionLog dying = FileTransactionLog.open(transfers, new LogOptions(false, 2), crashAt(point));
            dying.append(begun(unfinished, 0));
            for (int i = 0; i < 4; i++) {
                TransactionId id = TransactionId.random();
                ended.add(id);
                transfer(dying, id, i);
            }
            // The fifth end is past twice the two retained: compaction runs, and fails at the crash point.
            assertThatThrownBy(() -> transfer(dying, TransactionId.random(), 5)).isInstanceOf(SimulatedCrash.class);
            dying.close();

            try (FileTransactionLog reopened = FileTransactionLog.open(transfers, new LogOptions(false, 2))) {
                assertThat(reopened.unfinished()).as("crash at " + point).containsExactly(unfinished);
                assertThat(reopened.load(unfinished)).hasSize(1);
                assertThat(reopened.load(ended.get(3))).as("crash at " + point).hasSize(7);
            }
        }
    }

    @Test
    void a_compaction_that_fails_leaves_the_append_that_triggered_it_done() throws IOException {
        FramedLogFile.Faults failing = (point, file) -> {
            if (point == FramedLogFile.CrashPoint.COMPACTED_NOT_RENAMED) {
                throw new IOException("disk full");
            }
        };
        Path sagas = folder.resolve("failing-sagas");
        Path transfers = folder.resolve("failing-transfers");
        try (FileSagaLog sagaLog = FileSagaLog.open(sagas, "instance-a", new LogOptions(false, 2), failing);
                FileTransactionLog transferLog = FileTransactionLog.open(transfers, new LogOptions(false, 2), failing)) {
            for (int i = 0; i < 6; i++) {
                lifecycle(sagaLog, new SagaId("ended-" + i), i);
                transfer(transferLog, TransactionId.random(), i);
            }
            assertThat(sagaLog.sagasHeld()).isEqualTo(6);
            assertThat(transferLog.transactionsHeld()).isEqualTo(6);
        }
        try (FileSagaLog sagaLog = FileSagaLog.open(sagas, "instance-a", new LogOptions(false, 2));
                FileTransactionLog transferLog = FileTransactionLog.open(transfers, new LogOptions(false, 2))) {
            assertThat(sagaLog.load(new SagaId("ended-5"))).hasSize(8);
            assertThat(sagaLog.sagasHeld()).as("compacted at the next open").isEqualTo(2);
            assertThat(transferLog.transactionsHeld()).isEqualTo(2);
        }
    }

    @Test
    void another_instance_reads_a_saga_log_its_owner_compacted() {
        Path sagas = folder.resolve("shared");
        try (FileSagaLog a = FileSagaLog.open(sagas, "instance-a", new LogOptions(false, 2));
                FileSagaLog b = FileSagaLog.open(sagas, "instance-b", new LogOptions(false, 2))) {
            SagaId running = new SagaId("still-running");
            a.append(SagaRecords.record(running, 0, Kind.SAGA_STARTED, "instance-a", T0));
            lifecycle(a, new SagaId("ended-0"), 0);
            assertThat(b.sagasHeld()).isEqualTo(2);
            for (int i = 1; i < 10; i++) {
                lifecycle(a, new SagaId("ended-" + i), i);
            }
            a.append(SagaRecords.record(running, 1, Kind.STEP_STARTED, "instance-a", T0.plusSeconds(100)));

            assertThat(b.load(running)).hasSize(2);
            assertThat(b.load(new SagaId("ended-0"))).as("folded away by its owner").isEmpty();
            assertThat(b.sagasHeld()).isEqualTo(a.sagasHeld());
        }
    }

    @Test
    void a_third_instance_reads_two_saga_logs_both_compacted_by_their_owners() {
        Path sagas = folder.resolve("three");
        try (FileSagaLog a = FileSagaLog.open(sagas, "instance-a", new LogOptions(false, 2));
                FileSagaLog b = FileSagaLog.open(sagas, "instance-b", new LogOptions(false, 2));
                FileSagaLog c = FileSagaLog.open(sagas, "instance-c", new LogOptions(false, 2))) {
            lifecycle(a, new SagaId("a-0"), 0, "instance-a");
            lifecycle(b, new SagaId("b-0"), 0, "instance-b");
            assertThat(c.sagasHeld()).isEqualTo(2);
            for (int i = 1; i < 10; i++) {
                lifecycle(a, new SagaId("a-" + i), i, "instance-a");
                lifecycle(b, new SagaId("b-" + i), i, "instance-b");
            }

            assertThat(c.load(new SagaId("a-0"))).isEmpty();
            assertThat(c.load(new SagaId("b-0"))).isEmpty();
            assertThat(c.load(new SagaId("b-9"))).hasSize(8);
            assertThat(c.sagasHeld()).as("every instance holds what both files hold").isEqualTo(a.sagasHeld()).isEqualTo(b.sagasHeld());
        }
    }

    @Test
    void a_saga_taken_over_is_folded_away_from_both_files_once_both_instances_compacted() throws IOException {
        Path sagas = folder.resolve("taken-over");
        SagaId takenOver = new SagaId("taken-over-saga");
        try (FileSagaLog a = FileSagaLog.open(sagas, "instance-a", new LogOptions(false, 2));
                FileSagaLog b = FileSagaLog.open(sagas, "instance-b", new LogOptions(false, 2))) {
            startThenTakeOver(a, b, takenOver);
            for (int i = 0; i < 12; i++) {
                lifecycle(a, new SagaId("a-" + i), 100 + i, "instance-a");
                lifecycle(b, new SagaId("b-" + i), 100 + i, "instance-b");
            }

            assertThat(a.load(takenOver)).isEmpty();
            assertThat(b.load(takenOver)).isEmpty();
        }
        for (String instance : List.of("instance-a", "instance-b")) {
            assertThat(new String(Files.readAllBytes(sagas.resolve("saga-" + instance + ".log")), StandardCharsets.UTF_8))
                    .as("neither its records nor its tombstone are left in " + instance + "'s file").doesNotContain(takenOver.value());
        }
        try (FileSagaLog c = FileSagaLog.open(sagas, "instance-c", new LogOptions(false, 2))) {
            assertThat(c.load(takenOver)).isEmpty();
            assertThat(c.load(new SagaId("b-11"))).hasSize(8);
        }
    }

    @Test
    void a_saga_taken_over_from_an_instance_that_never_returns_is_folded_away_by_a_tombstone() throws IOException {
        Path sagas = folder.resolve("gone");
        SagaId takenOver = new SagaId("taken-over-saga");
        byte[] goneFile;
        try (FileSagaLog b = FileSagaLog.open(sagas, "instance-b", new LogOptions(false, 2))) {
            FileSagaLog a = FileSagaLog.open(sagas, "instance-a", new LogOptions(false, 2));
            startThenTakeOver(a, b, takenOver);
            a.close();
            goneFile = Files.readAllBytes(sagas.resolve("saga-instance-a.log"));
            for (int i = 0; i < 6; i++) {
                lifecycle(b, new SagaId("b-" + i), 100 + i, "instance-b");
            }
            assertThat(b.load(takenOver)).isEmpty();
        }
        assertThat(Files.readAllBytes(sagas.resolve("saga-instance-a.log"))).isEqualTo(goneFile);
        try (FileSagaLog b = FileSagaLog.open(sagas, "instance-b", new LogOptions(false, 2));
                FileSagaLog c = FileSagaLog.open(sagas, "instance-c", new LogOptions(false, 2))) {
            assertThat(b.load(takenOver)).as("the tombstone outlives a restart").isEmpty();
            assertThat(c.load(takenOver)).isEmpty();
            assertThat(b.unfinished()).isEmpty();
            for (int i = 6; i < 12; i++) {
                lifecycle(b, new SagaId("b-" + i), 100 + i, "instance-b");
            }
            assertThat(c.load(takenOver)).as("the tombstone is kept while the other file holds records").isEmpty();
        }
    }

    /** Instance a starts a saga and stalls; b takes it over once the lease expired and completes it. */
    private static void startThenTakeOver(FileSagaLog a, FileSagaLog b, SagaId sagaId) {
        for (int sequence = 0; sequence < 4; sequence++) {
            a.append(SagaRecords.record(sagaId, sequence, sequence == 0 ? Kind.SAGA_STARTED
                    : sequence % 2 == 1 ? Kind.STEP_STARTED : Kind.STEP_SUCCEEDED, "instance-a", T0));
        }
        Instant later = T0.plus(SagaRecords.LEASE).plusSeconds(1);
        assertThat(b.tryClaim(sagaId, "instance-b", later, later.plus(SagaRecords.LEASE))).isTrue();
        b.append(SagaRecords.record(sagaId, 5, Kind.STEP_STARTED, "instance-b", later));
        b.append(SagaRecords.record(sagaId, 6, Kind.STEP_SUCCEEDED, "instance-b", later));
        b.append(SagaRecords.record(sagaId, 7, Kind.SAGA_COMPLETED, "instance-b", later));
    }

    private static FramedLogFile.Faults crashAt(FramedLogFile.CrashPoint point) {
        return (at, file) -> {
            if (at == point) {
                throw new SimulatedCrash(point + " of " + file);
            }
        };
    }

    /** One saga from start to completion: 8 records, as an add or a delete of three steps writes. */
    private static void lifecycle(FileSagaLog log, SagaId id, long n) {
        lifecycle(log, id, n, "instance-a");
    }

    private static void lifecycle(FileSagaLog log, SagaId id, long n, String owner) {
        Instant at = T0.plusSeconds(n);
        log.append(SagaRecords.record(id, 0, Kind.SAGA_STARTED, owner, at));
        for (int step = 0; step < 3; step++) {
            log.append(SagaRecords.record(id, 1 + 2L * step, Kind.STEP_STARTED, owner, at));
            log.append(SagaRecords.record(id, 2 + 2L * step, Kind.STEP_SUCCEEDED, owner, at));
        }
        log.append(SagaRecords.record(id, 7, Kind.SAGA_COMPLETED, owner, at));
    }

    private static TransactionRecord.Begun begun(TransactionId id, long n) {
        return new TransactionRecord.Begun(id, FileId.random(), StorageElementId.of("edit-1"), StorageElementId.of("rw-1"),
                CHECKSUM, 1234, n, T0.plusSeconds(n));
    }

    /** One committed transfer: 7 records. */
    private static void transfer(FileTransactionLog log, TransactionId id, long n) {
        Instant at = T0.plusSeconds(n);
        log.append(begun(id, n));
        log.append(new TransactionRecord.Voted(id, Participant.SOURCE, true, Optional.empty(), at));
        log.append(new TransactionRecord.StepCompleted(id, Step.TARGET_STAGED, at));
        log.append(new TransactionRecord.Voted(id, Participant.TARGET, true, Optional.empty(), at));
        log.append(new TransactionRecord.Decided(id, Verdict.COMMIT, Optional.empty(), at));
        log.append(new TransactionRecord.StepCompleted(id, Step.TARGET_PUBLISHED, at));
        log.append(new TransactionRecord.Ended(id, TransferState.COMMITTED, Optional.empty(), at));
    }
}
