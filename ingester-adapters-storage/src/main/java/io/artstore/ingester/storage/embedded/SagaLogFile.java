package io.artstore.ingester.storage.embedded;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * One instance's saga log file: a header, then frames of {@code [length: int][crc32c: int][body]}, the CRC
 * over the length's four bytes and the body. The owning instance appends; every instance reads.
 *
 * <p>A power cut can leave the last frame torn: a partial header, a partial body, or bytes whose CRC fails.
 * That is what a write cut short looks like, and it is dropped. A bad frame followed by a good one cannot
 * come from a cut write: it is corruption, reported with the file and the offset.
 */
final class SagaLogFile implements Closeable {

    static final byte[] MAGIC = "ARTSAGA1".getBytes(StandardCharsets.US_ASCII);
    static final int FRAME_HEADER = 8;
    static final int MAX_BODY = 64 * 1024;

    private final Path path;
    private final FileChannel channel;
    /** The end of the last whole frame read (or written). */
    private long end;

    private SagaLogFile(Path path, FileChannel channel, long end) {
        this.path = path;
        this.channel = channel;
        this.end = end;
    }

    /**
     * Opens this instance's own file, creating it, and takes it for this process alone so that two processes
     * never append to one file; empty when another holds it. The caller reads it with {@link #readNew}.
     */
    static Optional<SagaLogFile> openOwn(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (!lockForWriting(channel)) {
                channel.close();
                return Optional.empty();
            }
            SagaLogFile file = new SagaLogFile(path, channel, 0);
            if (!file.headerComplete()) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(MAGIC), 0);
                channel.force(true);
            }
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static boolean lockForWriting(FileChannel channel) throws IOException {
        try {
            return channel.tryLock() != null;
        } catch (OverlappingFileLockException heldInThisProcess) {
            return false;
        }
    }

    /** Opens another instance's file for reading only. */
    static SagaLogFile openOther(Path path) throws IOException {
        return new SagaLogFile(path, FileChannel.open(path, StandardOpenOption.READ), 0);
    }

    Path path() {
        return path;
    }

    /** A whole frame's body and where the frame starts in its file. */
    record Frame(long offset, byte[] body) {
    }

    /**
     * The whole frames added since the last call. Reading stops before a torn tail, which
     * the owner cuts off when {@code cutTornTail}; another instance's file is left alone, since its torn
     * tail may yet be cut by its owner.
     *
     * @throws CorruptSagaLogException when a bad frame is followed by a good one, or by more bytes than one
     *     torn frame can leave
     */
    List<Frame> readNew(boolean cutTornTail) throws IOException {
        List<Frame> frames = new ArrayList<>();
        if (end == 0) {
            if (!headerComplete()) {
                return frames;
            }
            end = MAGIC.length;
        }
        long size = channel.size();
        while (end < size) {
            Optional<byte[]> body = wholeFrameAt(end, size);
            if (body.isEmpty()) {
                requireTornTail(end, size);
                break;
            }
            frames.add(new Frame(end, body.get()));
            end += FRAME_HEADER + body.get().length;
        }
        if (cutTornTail && end < size) {
            channel.truncate(end);
            channel.force(true);
        }
        return frames;
    }

    /** The body of the frame at {@code offset} when it is whole and its CRC matches. */
    private Optional<byte[]> wholeFrameAt(long offset, long size) throws IOException {
        if (size - offset < FRAME_HEADER) {
            return Optional.empty();
        }
        ByteBuffer header = read(offset, FRAME_HEADER);
        int length = header.getInt(0);
        if (length < 0 || length > MAX_BODY || size - offset - FRAME_HEADER < length) {
            return Optional.empty();
        }
        byte[] body = new byte[length];
        read(offset + FRAME_HEADER, length).get(body);
        return crc(length, body) == header.getInt(4) ? Optional.of(body) : Optional.empty();
    }

    /** A cut write leaves one partial frame at most, and never a good frame after it. */
    private void requireTornTail(long offset, long size) throws IOException {
        long left = size - offset;
        if (left > FRAME_HEADER + MAX_BODY) {
            throw new CorruptSagaLogException(path, offset, "a bad frame with " + left
                    + " bytes after it, more than a write cut short can leave");
        }
        ByteBuffer tail = read(offset, (int) left);
        for (int at = 1; at + FRAME_HEADER <= left; at++) {
            int length = tail.getInt(at);
            if (length >= 0 && length <= left - at - FRAME_HEADER) {
                byte[] body = new byte[length];
                tail.get(at + FRAME_HEADER, body);
                if (crc(length, body) == tail.getInt(at + 4)) {
                    throw new CorruptSagaLogException(path, offset, "a bad frame followed by a good one at offset "
                            + (offset + at) + "; the file was damaged after it was written, not cut short by a crash");
                }
            }
        }
    }

    /**
     * Appends one frame and forces it to disk. When writing fails, cuts the file back to where it was so
     * that no torn frame sits between good ones.
     */
    void append(byte[] body) throws IOException {
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("a saga record of " + body.length + " bytes is over the limit of " + MAX_BODY);
        }
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER + body.length);
        frame.putInt(body.length).putInt(crc(body.length, body)).put(body).flip();
        long position = end;
        try {
            while (frame.hasRemaining()) {
                position += channel.write(frame, position);
            }
            channel.force(false);
        } catch (IOException failure) {
            try {
                channel.truncate(end);
            } catch (IOException undo) {
                failure.addSuppressed(undo);
            }
            throw failure;
        }
        end = position;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private boolean headerComplete() throws IOException {
        long size = channel.size();
        byte[] present = new byte[(int) Math.min(size, MAGIC.length)];
        read(0, present.length).get(present);
        if (!Arrays.equals(present, Arrays.copyOf(MAGIC, present.length))) {
            throw new CorruptSagaLogException(path, 0, "it does not start with " + new String(MAGIC, StandardCharsets.US_ASCII)
                    + "; it is not a saga log");
        }
        return present.length == MAGIC.length;
    }

    private ByteBuffer read(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException(path + " ended at " + (position + buffer.position()) + " while reading");
            }
        }
        return buffer.flip();
    }

    static int crc(int length, byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(4).putInt(0, length));
        crc.update(body);
        return (int) crc.getValue();
    }
}
