package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.transfer.Participant;
import io.artstore.ingester.core.transfer.Step;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link TransactionLog} does; each implementation's test extends this. */
public abstract class TransactionLogContract {

    protected static final Instant AT = Instant.parse("2026-11-25T12:00:00.123456789Z");

    protected TransactionLog log;

    /** A new, empty log. */
    protected abstract TransactionLog createLog() throws Exception;

    @BeforeEach
    void createTheLog() throws Exception {
        log = createLog();
    }

    @Test
    void records_load_back_in_the_order_written() {
        List<TransactionRecord> written = everyKindOfRecord(TransactionId.random(), FileId.random());
        written.forEach(log::append);

        assertThat(log.load(written.get(0).transactionId())).containsExactlyElementsOf(written);
    }

    @Test
    void an_unknown_transaction_has_no_records() {
        assertThat(log.load(TransactionId.random())).isEmpty();
    }

    @Test
    void a_transaction_must_begin_with_its_begin_record() {
        TransactionId id = TransactionId.random();

        assertThatThrownBy(() -> log.append(new TransactionRecord.StepCompleted(id, Step.TARGET_STAGED, AT)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(log.load(id)).isEmpty();
    }

    @Test
    void unfinished_lists_transactions_begun_and_not_ended_oldest_first() {
        TransactionId first = begin(FileId.random());
        TransactionId ended = begin(FileId.random());
        TransactionId last = begin(FileId.random());
        log.append(new TransactionRecord.Ended(ended, TransferState.ABORTED, Optional.of("refused"), AT));

        assertThat(log.unfinished()).containsExactly(first, last);
    }

    @Test
    void transactions_are_found_by_file() {
        FileId file = FileId.random();
        TransactionId first = begin(file);
        begin(FileId.random());
        TransactionId second = begin(file);

        assertThat(log.findByFile(file)).containsExactly(first, second);
        assertThat(log.findByFile(FileId.random())).isEmpty();
    }

    @Test
    void concurrent_appends_all_land_in_order_per_transaction() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<TransactionRecord>>> writers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                writers.add(threads.submit(() -> {
                    List<TransactionRecord> written = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        List<TransactionRecord> records = everyKindOfRecord(TransactionId.random(), FileId.random());
                        records.forEach(log::append);
                        written.addAll(records);
                    }
                    return written;
                }));
            }
            for (Future<List<TransactionRecord>> writer : writers) {
                List<TransactionRecord> written = writer.get(30, TimeUnit.SECONDS);
                for (TransactionRecord record : written) {
                    assertThat(log.load(record.transactionId())).contains(record);
                }
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(log.unfinished()).isEmpty();
    }

    /** A transaction's records of every kind, ending it, with sub-second timestamps and reasons in odd characters. */
    protected static List<TransactionRecord> everyKindOfRecord(TransactionId id, FileId file) {
        List<TransactionRecord> records = new ArrayList<>();
        records.add(begun(id, file));
        records.add(new TransactionRecord.Voted(id, Participant.SOURCE, true, Optional.empty(), AT));
        records.add(new TransactionRecord.Voted(id, Participant.TARGET, false, Optional.of("checksum ≠ «expected»\nline 2"), AT));
        records.add(new TransactionRecord.Decided(id, Verdict.ABORT, Optional.of("target voted no"), AT.plusNanos(1)));
        records.add(new TransactionRecord.Decided(id, Verdict.COMMIT, Optional.empty(), AT.plusSeconds(1)));
        for (Step step : Step.values()) {
            records.add(new TransactionRecord.StepCompleted(id, step, AT.plusMillis(step.ordinal())));
        }
        records.add(new TransactionRecord.Ended(id, TransferState.HEURISTIC, Optional.of("target vanished"), AT.plusSeconds(2)));
        return records;
    }

    protected static TransactionRecord.Begun begun(TransactionId id, FileId file) {
        return new TransactionRecord.Begun(id, file, StorageElementId.of("local-edit"), StorageElementId.of("se_rw.01"),
                Sha256.parse("0123456789abcdef".repeat(4)), 123_456_789_012L, 42, AT);
    }

    protected TransactionId begin(FileId file) {
        TransactionId id = TransactionId.random();
        log.append(begun(id, file));
        return id;
    }
}
