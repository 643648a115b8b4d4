package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.port.out.TransactionLogContract;
import io.artstore.ingester.core.transfer.Step;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransactionRecordCodec;
import io.artstore.ingester.core.transfer.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTransactionLogTest extends TransactionLogContract {

    @TempDir
    Path folder;

    private final List<FileTransactionLog> opened = new ArrayList<>();

    @Override
    protected TransactionLog createLog() {
        return reopen();
    }

    @AfterEach
    void closeLogs() throws IOException {
        for (FileTransactionLog log : opened) {
            log.close();
        }
    }

    @Test
    void everything_written_is_there_after_reopening() throws IOException {
        FileId file = FileId.random();
        List<TransactionRecord> ended = everyKindOfRecord(TransactionId.random(), file);
        ended.forEach(log::append);
        TransactionId unfinished = begin(file);
        log.append(new TransactionRecord.Decided(unfinished, Verdict.COMMIT, Optional.empty(), AT));
        ((FileTransactionLog) log).close();

        FileTransactionLog reopened = reopen();

        assertThat(reopened.load(ended.get(0).transactionId())).containsExactlyElementsOf(ended);
        assertThat(reopened.load(unfinished)).hasSize(2).last().isInstanceOf(TransactionRecord.Decided.class);
        assertThat(reopened.unfinished()).containsExactly(unfinished);
        assertThat(reopened.findByFile(file)).containsExactly(ended.get(0).transactionId(), unfinished);
        assertThat(reopened.truncatedBytes()).isZero();
    }

    @Test
    void a_record_that_cannot_be_written_is_refused_and_not_indexed() throws IOException {
        TransactionId id = begin(FileId.random());
        ((FileTransactionLog) log).close();

        assertThatThrownBy(() -> log.append(new TransactionRecord.StepCompleted(id, Step.TARGET_STAGED, AT)))
                .isInstanceOfSatisfying(IngestException.class,
                        e -> assertThat(e.code()).isEqualTo("transaction_log_io_error"));
        assertThat(log.load(id)).hasSize(1);
        assertThat(reopen().load(id)).hasSize(1);
    }

    @Test
    void a_torn_last_record_is_cut_off_and_appending_goes_on_after_the_last_whole_one() throws IOException {
        TransactionId id = begin(FileId.random());
        log.append(new TransactionRecord.StepCompleted(id, Step.TARGET_STAGED, AT));
        ((FileTransactionLog) log).close();
        long whole = Files.size(logFile());
        byte[] frame = frameOf(new TransactionRecord.Decided(id, Verdict.COMMIT, Optional.empty(), AT));
        Files.write(logFile(), Arrays.copyOf(frame, frame.length - 3), StandardOpenOption.APPEND);

        FileTransactionLog reopened = reopen();

        assertThat(reopened.load(id)).hasSize(2);
        assertThat(reopened.truncatedBytes()).isEqualTo(frame.length - 3);
        assertThat(Files.size(logFile())).isEqualTo(whole);
        reopened.append(new TransactionRecord.Decided(id, Verdict.ABORT, Optional.of("presumed abort"), AT));
        reopened.close();
        FileTransactionLog again = reopen();
        assertThat(again.load(id)).hasSize(3).last()
                .isEqualTo(new TransactionRecord.Decided(id, Verdict.ABORT, Optional.of("presumed abort"), AT));
        assertThat(again.truncatedBytes()).isZero();
    }

    @Test
    void a_tail_shorter_than_a_header_is_cut_off() throws IOException {
        TransactionId id = begin(FileId.random());
        ((FileTransactionLog) log).close();
        Files.write(logFile(), new byte[] {0, 0, 1}, StandardOpenOption.APPEND);

        FileTransactionLog reopened = reopen();

        assertThat(reopened.load(id)).hasSize(1);
        assertThat(reopened.truncatedBytes()).isEqualTo(3);
    }

    @Test
    void a_last_record_whose_checksum_fails_is_cut_off() throws IOException {
        TransactionId id = begin(FileId.random());
        log.append(new TransactionRecord.StepCompleted(id, Step.TARGET_STAGED, AT));
        ((FileTransactionLog) log).close();
        byte[] bytes = Files.readAllBytes(logFile());
        bytes[bytes.length - 2] ^= 0x40;
        Files.write(logFile(), bytes);

        FileTransactionLog reopened = reopen();

        assertThat(reopened.load(id)).singleElement().isInstanceOf(TransactionRecord.Begun.class);
        assertThat(reopened.unfinished()).containsExactly(id);
    }

    @Test
    void a_header_announcing_an_absurd_length_ends_the_log() throws IOException {
        TransactionId id = begin(FileId.random());
        ((FileTransactionLog) log).close();
        Files.write(logFile(), ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(0).array(), StandardOpenOption.APPEND);

        FileTransactionLog reopened = reopen();

        assertThat(reopened.load(id)).hasSize(1);
        assertThat(reopened.truncatedBytes()).isEqualTo(8);
    }

    @Test
    void a_damaged_record_before_the_tail_stops_opening_with_the_file_and_offset_and_changes_nothing() throws IOException {
        TransactionId id = begin(FileId.random());
        long damagedAt = Files.size(logFile());
        log.append(new TransactionRecord.StepCompleted(id, Step.TARGET_STAGED, AT));
        log.append(new TransactionRecord.Decided(id, Verdict.COMMIT, Optional.empty(), AT));
        ((FileTransactionLog) log).close();
        byte[] bytes = Files.readAllBytes(logFile());
        bytes[(int) damagedAt + FramedLogFile.FRAME_HEADER + 2] ^= 0x40;
        Files.write(logFile(), bytes);

        assertThatThrownBy(this::reopen)
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("transaction_log_corrupt"))
                .hasMessageContaining(logFile().toString())
                .hasMessageContaining("at offset " + damagedAt);
        assertThat(Files.readAllBytes(logFile())).as("the damaged log is left as it is").isEqualTo(bytes);
    }

    @Test
    void salvaging_keeps_every_readable_record_and_a_copy_of_the_damaged_file() throws IOException {
        TransactionId damaged = begin(FileId.random());
        long damagedAt = Files.size(logFile());
        log.append(new TransactionRecord.StepCompleted(damaged, Step.TARGET_STAGED, AT));
        TransactionId after = begin(FileId.random());
        log.append(new TransactionRecord.Decided(after, Verdict.COMMIT, Optional.empty(), AT));
        ((FileTransactionLog) log).close();
        byte[] bytes = Files.readAllBytes(logFile());
        bytes[(int) damagedAt + FramedLogFile.FRAME_HEADER + 2] ^= 0x40;
        Files.write(logFile(), bytes);

        FileTransactionLog salvaged = FileTransactionLog.open(folder, LogOptions.DEFAULT.withSalvage(true));
        opened.add(salvaged);

        assertThat(salvaged.load(damaged)).singleElement().isInstanceOf(TransactionRecord.Begun.class);
        assertThat(salvaged.load(after)).hasSize(2).last().isInstanceOf(TransactionRecord.Decided.class);
        try (var files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .anySatisfy(name -> assertThat(name).startsWith(FileTransactionLog.FILE_NAME + ".damaged-"));
        }
        salvaged.close();
        assertThat(reopen().load(after)).as("the rewritten log opens without salvage").hasSize(2);
    }

    @Test
    void records_appended_by_many_threads_read_back_whole_and_in_order_after_reopening() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<List<List<TransactionRecord>>>> writers = new ArrayList<>();
        try {
            for (int t = 0; t < 4; t++) {
                writers.add(threads.submit(() -> {
                    List<List<TransactionRecord>> written = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        List<TransactionRecord> records = everyKindOfRecord(TransactionId.random(), FileId.random());
                        records.forEach(log::append);
                        written.add(records);
                    }
                    return written;
                }));
            }
            List<List<TransactionRecord>> all = new ArrayList<>();
            for (Future<List<List<TransactionRecord>>> writer : writers) {
                all.addAll(writer.get(30, TimeUnit.SECONDS));
            }
            ((FileTransactionLog) log).close();

            FileTransactionLog reopened = reopen();

            for (List<TransactionRecord> records : all) {
                assertThat(reopened.load(records.get(0).transactionId())).containsExactlyElementsOf(records);
            }
            assertThat(reopened.unfinished()).isEmpty();
            assertThat(reopened.truncatedBytes()).isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    private FileTransactionLog reopen() {
        FileTransactionLog log = FileTransactionLog.open(folder);
        opened.add(log);
        return log;
    }

    private Path logFile() {
        return folder.resolve(FileTransactionLog.FILE_NAME);
    }

    private static byte[] frameOf(TransactionRecord record) {
        ByteBuffer frame = FileTransactionLog.frame(TransactionRecordCodec.encode(record));
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }
}
