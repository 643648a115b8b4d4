package io.artstore.ingester.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.transfer.TransactionRecord.Begun;
import io.artstore.ingester.core.transfer.TransactionRecord.Decided;
import io.artstore.ingester.core.transfer.TransactionRecord.Ended;
import io.artstore.ingester.core.transfer.TransactionRecord.StepCompleted;
import io.artstore.ingester.core.transfer.TransactionRecord.Voted;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TransactionRecordCodecTest {

    private static final Instant AT = Instant.parse("2026-11-26T01:00:00.5Z");
    private static final Sha256 CHECKSUM = new Sha256("ab".repeat(32));

    /** Records as the embedded log wrote them before the codec moved here, one of each type and option. */
    private static final List<String> WRITTEN_BEFORE = List.of(
            "02010f1e2d3c4b5a69788796a5b4c3d2e1f0000000006b078490075bcd151111111122224333844455555555555500000006656469742d310000000472772d310000004061626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162000000000000002a0000000000000007000000116e6f64652d613a332c6e6f64652d623a39",
            "02010f1e2d3c4b5a69788796a5b4c3d2e1f0000000006b078490075bcd151111111122224333844455555555555500000006656469742d310000000472772d3100000040636463646364636463646364636463646364636463646364636463646364636463646364636463646364636463646364636463646364636463646364636463640000000000000001000000000000000100000000",
            "02020f1e2d3c4b5a69788796a5b4c3d2e1f0000000006b078490075bcd1500000006534f5552434500010000000d6469736b20c2ab66756c6cc2bb",
            "02020f1e2d3c4b5a69788796a5b4c3d2e1f0000000006b078490075bcd1500000006534f555243450100",
            "02030f1e2d3c4b5a69788796a5b4c3d2e1f0000000006b078490075bcd1500000006434f4d4d495400",
            "02040f1e2d3c4b5a69788796a5b4c3d2e1f0000000006b078490075bcd15000000105441524745545f5055424c4953484544",
            "02050f1e2d3c4b5a69788796a5b4c3d2e1f0000000006b078490075bcd150000000741424f52544544010000001b74617267657420726566757365643a20c3bc6ec3af63c3b664c3a9");

    @Test
    void records_written_by_earlier_releases_read_and_write_back_byte_for_byte() throws IOException {
        Instant at = Instant.parse("2026-11-26T01:00:00.123456789Z");
        TransactionId tx = new TransactionId(UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
        FileId file = FileId.parse("11111111-2222-4333-8444-555555555555");
        List<TransactionRecord> expected = List.of(
                new Begun(tx, file, StorageElementId.of("edit-1"), StorageElementId.of("rw-1"), new Sha256("ab".repeat(32)), 42, 7,
                        at, VectorClock.parse("node-a:3,node-b:9")),
                new Begun(tx, file, StorageElementId.of("edit-1"), StorageElementId.of("rw-1"), new Sha256("cd".repeat(32)), 1, 1,
                        at, VectorClock.empty()),
                new Voted(tx, Participant.SOURCE, false, Optional.of("disk «full»"), at),
                new Voted(tx, Participant.SOURCE, true, Optional.empty(), at),
                new Decided(tx, Verdict.COMMIT, Optional.empty(), at),
                new StepCompleted(tx, Step.TARGET_PUBLISHED, at),
                new Ended(tx, TransferState.ABORTED, Optional.of("target refused: ünïcödé"), at));

        for (int i = 0; i < WRITTEN_BEFORE.size(); i++) {
            byte[] bytes = HexFormat.of().parseHex(WRITTEN_BEFORE.get(i));
            assertThat(TransactionRecordCodec.decode(bytes)).as("record %d", i).isEqualTo(expected.get(i));
            assertThat(HexFormat.of().formatHex(TransactionRecordCodec.encode(expected.get(i)))).as("record %d", i)
                    .isEqualTo(WRITTEN_BEFORE.get(i));
        }
    }

    @Test
    void a_begin_record_keeps_its_vector_clock() throws IOException {
        Begun begun = new Begun(TransactionId.random(), FileId.random(), StorageElementId.of("edit-1"),
                StorageElementId.of("rw-1"), CHECKSUM, 42, 7, AT, VectorClock.parse("node-a:3,node-b:9"));

        TransactionRecord decoded = TransactionRecordCodec.decode(TransactionRecordCodec.encode(begun));

        assertThat(decoded).isEqualTo(begun);
        assertThat(((Begun) decoded).clock().toText()).isEqualTo("node-a:3,node-b:9");
    }

    @Test
    void a_begin_record_of_the_first_format_reads_with_an_empty_clock() throws IOException {
        TransactionId id = TransactionId.random();
        FileId file = FileId.random();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeByte(1);
            out.writeLong(id.value().getMostSignificantBits());
            out.writeLong(id.value().getLeastSignificantBits());
            out.writeLong(AT.getEpochSecond());
            out.writeInt(AT.getNano());
            out.writeLong(file.value().getMostSignificantBits());
            out.writeLong(file.value().getLeastSignificantBits());
            for (String text : new String[] {"edit-1", "rw-1", CHECKSUM.hex()}) {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
            out.writeLong(42);
            out.writeLong(7);
        }

        TransactionRecord decoded = TransactionRecordCodec.decode(bytes.toByteArray());

        assertThat(decoded).isEqualTo(new Begun(id, file, StorageElementId.of("edit-1"), StorageElementId.of("rw-1"),
                CHECKSUM, 42, 7, AT));
        assertThat(((Begun) decoded).clock()).isEqualTo(VectorClock.empty());
    }

    @Test
    void a_counter_beyond_the_range_stored_by_an_earlier_version_reads_as_the_largest_counter() throws IOException {
        Begun begun = new Begun(TransactionId.random(), FileId.random(), StorageElementId.of("edit-1"),
                StorageElementId.of("rw-1"), CHECKSUM, 42, 7, AT, VectorClock.parse("node-a:9000000000000000"));
        // The same length, so the length prefix stays right: a counter above 2^53 as earlier versions could write.
        byte[] bytes = new String(TransactionRecordCodec.encode(begun), StandardCharsets.ISO_8859_1)
                .replace("node-a:9000000000000000", "node-a:9999999999999999").getBytes(StandardCharsets.ISO_8859_1);

        TransactionRecord decoded = TransactionRecordCodec.decode(bytes);

        assertThat(((Begun) decoded).clock().toText()).isEqualTo("node-a:9007199254740992");
    }
}
