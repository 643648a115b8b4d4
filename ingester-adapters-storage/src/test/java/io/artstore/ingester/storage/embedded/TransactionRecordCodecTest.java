package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransactionRecord.Begun;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TransactionRecordCodecTest {

    private static final Instant AT = Instant.parse("2026-11-26T01:00:00.5Z");
    private static final Sha256 CHECKSUM = new Sha256("ab".repeat(32));

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
