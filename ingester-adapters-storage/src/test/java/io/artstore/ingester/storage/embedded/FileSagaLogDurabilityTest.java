package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.testing.SagaRecords;
import io.artstore.ingester.formats.SagaRecordJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives a crash, a power cut and damage on disk. */
class FileSagaLogDurabilityTest {

    private static final SagaId SAGA = new SagaId("saga-1");

    @TempDir
    Path root;

    private Path folder;
    private List<SagaRecord> written;
    /** The log file's bytes with all records, and where the last one starts. */
    private byte[] whole;
    private int lastRecordStart;

    @BeforeEach
    void writeThreeRecords() throws IOException {
        folder = root.resolve("written");
        written = SagaRecords.saga(SAGA, "instance-a", 3);
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a")) {
            written.subList(0, 2).forEach(log::append);
            lastRecordStart = (int) Files.size(logFile(folder, "instance-a"));
            log.append(written.get(2));
        }
        whole = Files.readAllBytes(logFile(folder, "instance-a"));
    }

    @Test
    void keeps_what_was_appended_across_a_reopen() {
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a")) {
            assertThat(log.load(SAGA)).containsExactlyElementsOf(written);
            log.append(SagaRecords.saga(SAGA, "instance-a", 4).get(3));
        }
        try (FileSagaLog reopened = FileSagaLog.open(folder, "instance-a");
                FileSagaLog other = FileSagaLog.open(folder, "instance-b")) {
            assertThat(reopened.load(SAGA)).hasSize(4);
            assertThat(other.load(SAGA)).isEqualTo(reopened.load(SAGA));
        }
    }

    @Test
    void writes_one_file_per_instance_that_starts_with_its_magic() throws IOException {
        try (FileSagaLog other = FileSagaLog.open(folder, "instance-b")) {
            assertThat(other.load(SAGA)).hasSize(3);
        }

        assertThat(Arrays.copyOf(whole, FileSagaLog.FORMAT.magic().length)).isEqualTo(FileSagaLog.FORMAT.magic());
        try (var files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrder("saga-instance-a.log", "saga-instance-b.log", "saga.lock");
        }
    }

    @Test
    void drops_a_last_record_torn_at_any_length_and_appends_after_it() throws IOException {
        for (int length = lastRecordStart; length < whole.length; length++) {
            Path torn = withOwnFile("torn-" + length, Arrays.copyOf(whole, length));

            try (FileSagaLog log = FileSagaLog.open(torn, "instance-a")) {
                assertThat(log.load(SAGA)).as("records when cut at " + length).containsExactlyElementsOf(written.subList(0, 2));
                assertThat(Files.size(logFile(torn, "instance-a"))).as("file cut back to its last whole record").isEqualTo(lastRecordStart);
                log.append(written.get(2));
            }
            try (FileSagaLog reopened = FileSagaLog.open(torn, "instance-a")) {
                assertThat(reopened.load(SAGA)).as("records after appending to a log cut at " + length).containsExactlyElementsOf(written);
            }
        }
    }

    @Test
    void starts_afresh_from_a_header_torn_at_any_length() throws IOException {
        for (int length = 0; length < FileSagaLog.FORMAT.magic().length; length++) {
            Path torn = withOwnFile("torn-header-" + length, Arrays.copyOf(whole, length));

            try (FileSagaLog log = FileSagaLog.open(torn, "instance-a")) {
                assertThat(log.unfinished()).isEmpty();
                log.append(written.get(0));
            }
            try (FileSagaLog reopened = FileSagaLog.open(torn, "instance-a")) {
                assertThat(reopened.load(SAGA)).containsExactly(written.get(0));
            }
        }
    }

    @Test
    void drops_a_last_record_whose_crc_fails() throws IOException {
        for (int offset : new int[] {lastRecordStart, lastRecordStart + 3, lastRecordStart + 5, lastRecordStart + 9, whole.length - 1}) {
            byte[] damaged = whole.clone();
            damaged[offset] ^= 0x5a;
            Path folderWithBadTail = withOwnFile("bad-crc-" + offset, damaged);

            try (FileSagaLog log = FileSagaLog.open(folderWithBadTail, "instance-a")) {
                assertThat(log.load(SAGA)).as("records when byte " + offset + " is damaged").containsExactlyElementsOf(written.subList(0, 2));
            }
        }
    }

    @Test
    void drops_zeros_left_after_the_last_record() throws IOException {
        Path zeroed = withOwnFile("zeroed", concat(whole, new byte[4096]));

        try (FileSagaLog log = FileSagaLog.open(zeroed, "instance-a")) {
            assertThat(log.load(SAGA)).containsExactlyElementsOf(written);
        }
        assertThat(Files.size(logFile(zeroed, "instance-a"))).isEqualTo(whole.length);
    }

    @Test
    void refuses_a_log_damaged_before_its_last_record_and_names_file_and_offset() throws IOException {
        byte[] damaged = whole.clone();
        damaged[FileSagaLog.FORMAT.magic().length + FramedLogFile.FRAME_HEADER + 4] ^= 0x01;
        Path corrupt = withOwnFile("corrupt", damaged);

        assertThatThrownBy(() -> FileSagaLog.open(corrupt, "instance-a"))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(IngestException.Kind.INTERNAL);
                    assertThat(e.code()).isEqualTo("saga_log_corrupt");
                })
                .hasMessageContaining(logFile(corrupt, "instance-a").toRealPath().toString())
                .hasMessageContaining("at offset " + FileSagaLog.FORMAT.magic().length);
        assertThat(Files.readAllBytes(logFile(corrupt, "instance-a"))).as("a corrupt file is left as it is").isEqualTo(damaged);
    }

    @Test
    void salvaging_keeps_the_readable_records_drops_those_after_a_gap_and_keeps_a_copy_of_the_damaged_file() throws IOException {
        SagaId other = new SagaId("saga-2");
        List<SagaRecord> otherRecords = SagaRecords.saga(other, "instance-a", 2);
        byte[] damagedFrame = frame(SagaRecordJson.write(written.get(1)));
        damagedFrame[FramedLogFile.FRAME_HEADER + 3] ^= 0x01;
        byte[] bytes = concat(concat(concat(FileSagaLog.FORMAT.magic(), frame(SagaRecordJson.write(written.get(0)))),
                concat(damagedFrame, frame(SagaRecordJson.write(written.get(2))))),
                concat(frame(SagaRecordJson.write(otherRecords.get(0))), frame(SagaRecordJson.write(otherRecords.get(1)))));
        Path corrupt = withOwnFile("salvage", bytes);

        try (FileSagaLog salvaged = FileSagaLog.open(corrupt, "instance-a", LogOptions.DEFAULT.withSalvage(true))) {
            assertThat(salvaged.load(SAGA)).as("records after the lost one cannot be indexed").containsExactly(written.get(0));
            assertThat(salvaged.load(other)).containsExactlyElementsOf(otherRecords);
        }
        try (var files = Files.list(corrupt)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .anySatisfy(name -> assertThat(name).startsWith("saga-instance-a.log.damaged-"));
        }
        try (FileSagaLog reopened = FileSagaLog.open(corrupt, "instance-a")) {
            assertThat(reopened.load(other)).as("the rewritten log opens without salvage").hasSize(2);
            assertThat(reopened.load(SAGA)).hasSize(1);
        }
    }

    @Test
    void refuses_a_damaged_file_of_another_instance_too() throws IOException {
        byte[] damaged = whole.clone();
        damaged[FileSagaLog.FORMAT.magic().length + 1] ^= 0x10;
        Path corrupt = withOwnFile("corrupt-other", damaged);

        assertThatThrownBy(() -> FileSagaLog.open(corrupt, "instance-b"))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("saga_log_corrupt"))
                .hasMessageContaining("saga-instance-a.log");
    }

    @Test
    void refuses_a_whole_frame_that_holds_no_saga_record() throws IOException {
        byte[] body = "{\"saga_id\":\"saga-1\"}".getBytes(StandardCharsets.UTF_8);
        Path strange = withOwnFile("no-record", concat(Arrays.copyOf(whole, lastRecordStart), frame(body)));

        assertThatThrownBy(() -> FileSagaLog.open(strange, "instance-a"))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("saga_log_corrupt"))
                .hasMessageContaining("at offset " + lastRecordStart)
                .hasMessageContaining("holds no saga record");
    }

    @Test
    void refuses_a_log_that_misses_records_of_a_saga() throws IOException {
        byte[] firstAndThird = concat(frame(SagaRecordJson.write(written.get(0))), frame(SagaRecordJson.write(written.get(2))));
        Path gap = withOwnFile("gap", concat(FileSagaLog.FORMAT.magic(), firstAndThird));

        assertThatThrownBy(() -> FileSagaLog.open(gap, "instance-a"))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("saga_log_corrupt"))
                .hasMessageContaining("records are missing");
    }

    @Test
    void refuses_a_file_that_is_no_saga_log() throws IOException {
        Path strange = withOwnFile("strange", "not a saga log at all".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> FileSagaLog.open(strange, "instance-a"))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("saga_log_corrupt"))
                .hasMessageContaining("not a saga log");
    }

    @Test
    void reads_another_instances_log_up_to_its_torn_tail_and_leaves_the_tail_to_its_owner() throws IOException {
        byte[] tornBytes = Arrays.copyOf(whole, whole.length - 3);
        Path torn = withOwnFile("torn-other", tornBytes);

        try (FileSagaLog reader = FileSagaLog.open(torn, "instance-b")) {
            assertThat(reader.load(SAGA)).containsExactlyElementsOf(written.subList(0, 2));
        }
        assertThat(Files.readAllBytes(logFile(torn, "instance-a"))).isEqualTo(tornBytes);
    }

    @Test
    void refuses_two_logs_on_one_instance_file() throws IOException {
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a")) {
            assertThat(log.load(SAGA)).hasSize(3);
            assertThatThrownBy(() -> FileSagaLog.open(folder, "instance-a"))
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("saga_log_in_use"));
            log.append(SagaRecords.saga(SAGA, "instance-a", 4).get(3));
        }
        assertThat(Files.readAllBytes(logFile(folder, "instance-a"))).startsWith(whole).hasSizeGreaterThan(whole.length);
    }

    @Test
    void refuses_an_instance_id_that_cannot_name_a_file() {
        assertThatThrownBy(() -> FileSagaLog.open(folder, "../escape"))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(IngestException.Kind.INVALID_REQUEST));
    }

    @Test
    void refuses_use_after_close() {
        FileSagaLog log = FileSagaLog.open(folder, "instance-a");
        log.close();

        assertThatThrownBy(() -> log.load(SAGA)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void frames_each_record_with_its_length_and_crc() {
        ByteBuffer frame = ByteBuffer.wrap(whole, lastRecordStart, whole.length - lastRecordStart);
        int length = frame.getInt();
        int crc = frame.getInt();
        byte[] body = new byte[length];
        frame.get(body);

        assertThat(frame.hasRemaining()).isFalse();
        assertThat(crc).isEqualTo(FileSagaLog.FORMAT.crc(length, body, 0));
        assertThat(SagaRecordJson.read(body)).isEqualTo(written.get(2));
    }

    private Path withOwnFile(String name, byte[] content) throws IOException {
        Path copy = Files.createDirectories(root.resolve(name));
        Files.write(logFile(copy, "instance-a"), content);
        return copy;
    }

    private static Path logFile(Path folder, String instance) {
        return folder.resolve("saga-" + instance + ".log");
    }

    private static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(FramedLogFile.FRAME_HEADER + body.length)
                .putInt(body.length).putInt(FileSagaLog.FORMAT.crc(body.length, body, 0)).put(body).array();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
