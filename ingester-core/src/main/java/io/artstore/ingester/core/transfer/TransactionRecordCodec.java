package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.transfer.TransactionRecord.Begun;
import io.artstore.ingester.core.transfer.TransactionRecord.Decided;
import io.artstore.ingester.core.transfer.TransactionRecord.Ended;
import io.artstore.ingester.core.transfer.TransactionRecord.StepCompleted;
import io.artstore.ingester.core.transfer.TransactionRecord.Voted;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The binary form of transaction records, the same in every transaction log (a file's frames, a Redis list), so a
 * record reads the same wherever it was kept: a format version, a type byte, the transaction id and time, then the
 * type's fields. Enums are written by name so that reordering them in code
 * never changes the meaning of an old log. Version 2 adds the vector clock (text form) at the end of a begin
 * record; version 1 records are still read, with an empty clock. Encoding works on byte arrays only, so it stays
 * within this package's rule of no file or network I/O.
 */
public final class TransactionRecordCodec {

    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_CLOCK = 1;
    private static final int BEGUN = 1;
    private static final int VOTED = 2;
    private static final int DECIDED = 3;
    private static final int STEP_COMPLETED = 4;
    private static final int ENDED = 5;
    private static final int MAX_STRING_BYTES = 64 * 1024;

    private TransactionRecordCodec() {}

    public static byte[] encode(TransactionRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(typeOf(record));
            writeUuid(out, record.transactionId().value());
            out.writeLong(record.at().getEpochSecond());
            out.writeInt(record.at().getNano());
            if (record instanceof Begun begun) {
                writeUuid(out, begun.fileId().value());
                writeString(out, begun.source().value());
                writeString(out, begun.target().value());
                writeString(out, begun.expectedChecksum().hex());
                out.writeLong(begun.expectedSize());
                out.writeLong(begun.fencingToken());
                writeString(out, begun.clock().toText());
            } else if (record instanceof Voted voted) {
                writeString(out, voted.participant().name());
                out.writeBoolean(voted.yes());
                writeOptional(out, voted.reason());
            } else if (record instanceof Decided decided) {
                writeString(out, decided.verdict().name());
                writeOptional(out, decided.reason());
            } else if (record instanceof StepCompleted step) {
                writeString(out, step.step().name());
            } else if (record instanceof Ended end) {
                writeString(out, end.outcome().name());
                writeOptional(out, end.reason());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IOException when the bytes are not a record of a known version and type
     * @throws IllegalArgumentException when a field is not valid (e.g. an unknown enum name)
     */
    public static TransactionRecord decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int version = in.readUnsignedByte();
            if (version != VERSION && version != VERSION_WITHOUT_CLOCK) {
                throw new IOException("unknown record format version " + version);
            }
            int type = in.readUnsignedByte();
            TransactionId id = new TransactionId(readUuid(in));
            Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
            TransactionRecord record = switch (type) {
                case BEGUN -> new Begun(id, new FileId(readUuid(in)), StorageElementId.of(readString(in)),
                        StorageElementId.of(readString(in)), new Sha256(readString(in)), in.readLong(), in.readLong(), at,
                        version == VERSION_WITHOUT_CLOCK ? VectorClock.empty() : VectorClock.parseSaturating(readString(in)));
                case VOTED -> new Voted(id, Participant.valueOf(readString(in)), in.readBoolean(), readOptional(in), at);
                case DECIDED -> new Decided(id, Verdict.valueOf(readString(in)), readOptional(in), at);
                case STEP_COMPLETED -> new StepCompleted(id, Step.valueOf(readString(in)), at);
                case ENDED -> new Ended(id, TransferState.valueOf(readString(in)), readOptional(in), at);
                default -> throw new IOException("unknown record type " + type);
            };
            if (in.available() > 0) {
                throw new IOException(in.available() + " unexpected bytes after a " + record.getClass().getSimpleName());
            }
            return record;
        }
    }

    private static int typeOf(TransactionRecord record) {
        if (record instanceof Begun) {
            return BEGUN;
        } else if (record instanceof Voted) {
            return VOTED;
        } else if (record instanceof Decided) {
            return DECIDED;
        } else if (record instanceof StepCompleted) {
            return STEP_COMPLETED;
        } else if (record instanceof Ended) {
            return ENDED;
        }
        throw new IllegalArgumentException("no encoding for " + record.getClass());
    }

    private static void writeUuid(DataOutputStream out, UUID uuid) throws IOException {
        out.writeLong(uuid.getMostSignificantBits());
        out.writeLong(uuid.getLeastSignificantBits());
    }

    private static UUID readUuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING_BYTES) {
            // Only reasons can be this long; a shortened reason beats a refused record.
            int end = text.offsetByCodePoints(0, Math.min(text.codePointCount(0, text.length()), MAX_STRING_BYTES / 4));
            bytes = text.substring(0, end).getBytes(StandardCharsets.UTF_8);
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new IOException("string length " + length + " out of range");
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("string cut short");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeOptional(DataOutputStream out, Optional<String> text) throws IOException {
        out.writeBoolean(text.isPresent());
        if (text.isPresent()) {
            writeString(out, text.get());
        }
    }

    private static Optional<String> readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? Optional.of(readString(in)) : Optional.empty();
    }
}
