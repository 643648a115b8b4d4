package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.storage.fs.DurableFiles;
import io.artstore.ingester.storage.fs.Fsync;
import io.artstore.ingester.storage.fs.GroupCommit;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * An append-only file of CRC-checked frames, the one framing every embedded log uses: an optional magic
 * header, then frames of {@code [length: int][crc32c: int][body]}, big-endian. The owner appends; other
 * processes may read.
 *
 * <p>A crash can leave the last frame torn: a partial header, a partial body, or bytes whose CRC fails. That
 * is what a write cut short looks like, and the owner cuts it off. A bad frame followed by a good one, or by
 * more bytes than one frame can hold, cannot come from a cut write: it is damage, reported with the file and
 * the offset ({@link CorruptLogException}) and left as it is, unless the log is opened to salvage it.
 *
 * <p>Appending is two steps, so that concurrent appends share fsyncs: {@link #write} adds a frame (under its owner's
 * lock, which orders the frames) and {@link #sync} waits, outside that lock, for a force that covers it. One force
 * covers every frame written while the previous force ran (group commit, see {@link GroupCommit}); nothing is
 * acknowledged before its force has ended. After a failed force the file takes no more frames: what of its unforced
 * tail reached the disk is unknown until it is opened again.
 */
final class FramedLogFile implements Closeable {

    static final int FRAME_HEADER = 8;

    /**
     * How a log frames its records.
     *
     * @param name what the log is, for messages ("saga log")
     * @param magic the bytes the file starts with; empty for none
     * @param crcCoversLength whether the CRC covers the length's four bytes before the body, or the body alone
     * @param maxBody the largest body a record may have; a larger length can only be damage
     */
    record Format(String name, byte[] magic, boolean crcCoversLength, int maxBody) {

        Format {
            Objects.requireNonNull(name, "name");
            magic = magic.clone();
        }

        int crc(int length, byte[] body, int from) {
            CRC32C crc = new CRC32C();
            if (crcCoversLength) {
                crc.update(ByteBuffer.allocate(4).putInt(0, length));
            }
            crc.update(body, from, length);
            return (int) crc.getValue();
        }

        byte[] frame(byte[] body) {
            return ByteBuffer.allocate(FRAME_HEADER + body.length)
                    .putInt(body.length).putInt(crc(body.length, body, 0)).put(body).array();
        }
    }

    /** Where a simulated crash can strike: tests stop the process's work there, as a power cut would. */
    enum CrashPoint {
        /** The frame is written but not forced to disk. */
        APPENDED_NOT_FORCED,
        /** A compacted copy is written and forced, and not yet renamed over the log. */
        COMPACTED_NOT_RENAMED,
        /** The compacted copy has replaced the log; the folder is not forced yet. */
        COMPACTED_RENAMED
    }

    /** Called at each {@link CrashPoint}; the default does nothing. Test code throws from it to simulate a crash. */
    @FunctionalInterface
    interface Faults {
        Faults NONE = (point, file) -> { };

        void at(CrashPoint point, Path file) throws IOException;
    }

    /** A whole frame's body and where the frame starts in its file. */
    record Frame(long offset, byte[] body) {
    }

    /** What a salvage dropped: the byte range no good frame could be read from. */
    record Skipped(long from, long to) {
    }

    private static final String COMPACTING_SUFFIX = ".compacting";

    private final Path path;
    private final Format format;
    private final Faults faults;
    private final GroupCommit commits;
    private final List<Skipped> skipped = new ArrayList<>();
    private FileChannel channel;
    /** The end of the last whole frame read (or written). */
    private long end;
    private long cutBytes;
    /** The identity of the file a reader opened (inode), to notice when it is replaced. */
    private Object openedKey;

    private FramedLogFile(Path path, Format format, Faults faults, Fsync fsync, FileChannel channel) {
        this.path = path;
        this.format = format;
        this.faults = faults;
        this.channel = channel;
        // fdatasync: the frames and the file's length, which is all reading them back needs. The monitor keeps a
        // compaction from swapping or closing the channel while it is forced.
        this.commits = new GroupCommit(() -> {
            synchronized (this) {
                fsync.force(this.channel, path, false);
            }
        }, true);
    }

    /**
     * Opens the owner's file, creating it, and takes it for this process alone so that two processes never
     * append to one file; empty when another holds it. A compacted copy that a crash left unrenamed is
     * removed. The caller reads it with {@link #readNew}.
     */
    static Optional<FramedLogFile> openOwn(Path path, Format format, Faults faults) throws IOException {
        return openOwn(path, format, faults, Fsync.REAL);
    }

    /** {@link #openOwn(Path, Format, Faults)}, forcing the appends with {@code fsync}. */
    static Optional<FramedLogFile> openOwn(Path path, Format format, Faults faults, Fsync fsync) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (!lockForWriting(channel)) {
                channel.close();
                return Optional.empty();
            }
            // Only the holder of the file may compact it, so a copy found now was left by a crash.
            Files.deleteIfExists(compactingCopy(path));
            FramedLogFile file = new FramedLogFile(path, format, faults, fsync, channel);
            if (!file.headerComplete()) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(format.magic()), 0);
                channel.force(true);
            }
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Opens another process's file for reading only. */
    static FramedLogFile openOther(Path path, Format format) throws IOException {
        FramedLogFile file = new FramedLogFile(path, format, Faults.NONE, Fsync.REAL,
                FileChannel.open(path, StandardOpenOption.READ));
        file.openedKey = fileKey(path);
        return file;
    }

    private static boolean lockForWriting(FileChannel channel) throws IOException {
        try {
            return channel.tryLock() != null;
        } catch (OverlappingFileLockException heldInThisProcess) {
            return false;
        }
    }

    Path path() {
        return path;
    }

    /** Bytes in the file up to the end of its last whole frame. */
    long size() {
        return end;
    }

    /** How many bytes of a torn tail the owner cut off; zero after a clean shutdown. */
    long cutBytes() {
        return cutBytes;
    }

    /** The ranges a salvage dropped, in file order; empty unless damage was salvaged. */
    List<Skipped> skipped() {
        return List.copyOf(skipped);
    }

    /**
     * The whole frames added since the last call. Reading stops before a torn tail, which the owner cuts off
     * when {@code cutTornTail}; another process's file is left alone, since its owner may yet finish or cut
     * the tail.
     *
     * @param salvage read past damage to the next good frame instead of refusing the file; the ranges
     *     dropped are in {@link #skipped}
     * @throws CorruptLogException when a bad frame is followed by a good one, or by more bytes than one
     *     torn frame can leave, and not {@code salvage}
     */
    List<Frame> readNew(boolean cutTornTail, boolean salvage) throws IOException {
        List<Frame> frames = new ArrayList<>();
        if (end == 0) {
            if (!headerComplete()) {
                return frames;
            }
            end = format.magic().length;
        }
        long size = channel.size();
        while (end < size) {
            Optional<byte[]> body = wholeFrameAt(end, size);
            if (body.isEmpty()) {
                Optional<String> damage = damageAt(end, size);
                if (damage.isEmpty()) {
                    break;
                }
                if (!salvage) {
                    throw new CorruptLogException(format.name(), path, end, damage.get());
                }
                long next = nextGoodFrame(end + 1, size).orElse(size);
                skipped.add(new Skipped(end, next));
                end = next;
                continue;
            }
            frames.add(new Frame(end, body.get()));
            end += FRAME_HEADER + body.get().length;
        }
        if (cutTornTail && end < size) {
            cutBytes += size - end;
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
        if (length < 1 || length > format.maxBody() || size - offset - FRAME_HEADER < length) {
            return Optional.empty();
        }
        byte[] body = new byte[length];
        read(offset + FRAME_HEADER, length).get(body);
        return format.crc(length, body, 0) == header.getInt(4) ? Optional.of(body) : Optional.empty();
    }

    /**
     * Why the bad frame at {@code offset} is damage rather than a torn tail, or empty when it may be a torn
     * tail: a cut write leaves one partial frame at most, and never a good frame after it.
     */
    private Optional<String> damageAt(long offset, long size) throws IOException {
        long left = size - offset;
        if (left > FRAME_HEADER + format.maxBody()) {
            return Optional.of("a bad frame with " + left + " bytes after it, more than a write cut short can leave");
        }
        return nextGoodFrame(offset + 1, size).map(good -> "a bad frame followed by a good one at offset " + good
                + "; the file was damaged after it was written, not cut short by a crash");
    }

    /** Where the first good frame at or after {@code from} starts, if any. */
    private Optional<Long> nextGoodFrame(long from, long size) throws IOException {
        final int window = FRAME_HEADER + format.maxBody();
        for (long base = from; base + FRAME_HEADER <= size; base += format.maxBody()) {
            ByteBuffer bytes = read(base, (int) Math.min(size - base, (long) window * 2));
            byte[] array = bytes.array();
            for (int at = 0; at < format.maxBody() && at + FRAME_HEADER <= array.length; at++) {
                int length = bytes.getInt(at);
                if (length >= 1 && length <= array.length - at - FRAME_HEADER
                        && format.crc(length, array, at + FRAME_HEADER) == bytes.getInt(at + 4)) {
                    return Optional.of(base + at);
                }
            }
        }
        return Optional.empty();
    }

    /** Appends one frame and waits for a force covering it: {@link #write} then {@link #sync}. */
    void append(byte[] body) throws IOException {
        write(body);
        sync();
    }

    /**
     * Adds one frame after the last, not yet forced; the caller then calls {@link #sync} before it acknowledges
     * anything that depends on the frame. Callers serialise their writes. When writing fails, cuts the file back
     * to where it was so that no torn frame sits between good ones. Returns where the frame starts.
     */
    long write(byte[] body) throws IOException {
        if (body.length < 1 || body.length > format.maxBody()) {
            throw new IllegalArgumentException("a " + format.name() + " record of " + body.length
                    + " bytes is outside the limits of 1 to " + format.maxBody());
        }
        ByteBuffer frame = ByteBuffer.wrap(format.frame(body));
        long position = end;
        try {
            while (frame.hasRemaining()) {
                position += channel.write(frame, position);
            }
            faults.at(CrashPoint.APPENDED_NOT_FORCED, path);
        } catch (IOException failure) {
            try {
                channel.truncate(end);
            } catch (IOException undo) {
                failure.addSuppressed(undo);
            }
            throw failure;
        }
        long start = end;
        end = position;
        return start;
    }

    /**
     * Returns once every frame written before the call is on disk. Concurrent callers share one force; call it
     * without holding the lock that serialises {@link #write}, or nobody can write while the force runs.
     *
     * @throws IOException when the force failed, or an earlier one did: the file takes no more frames then
     */
    void sync() throws IOException {
        commits.awaitDurable();
    }

    /** How many forces {@link #sync} ran. */
    long forces() {
        return commits.forces();
    }

    /**
     * Replaces the file by one holding just {@code bodies}, so that a crash at any point leaves either the old
     * file or the new one whole: the copy is written and forced beside it, renamed over it, the folder forced.
     * The new file is locked for this process before the old one is let go.
     */
    void replaceWith(List<byte[]> bodies) throws IOException {
        replaceWith(bodies, new long[0], moved -> { });
    }

    /**
     * {@link #replaceWith(List)} with {@code bodies} framed first, then the frames of this file that start at
     * {@code kept} (ascending), copied as they are rather than encoded again. {@code moved} is told where each kept
     * frame starts in the new file, in the order given, as soon as the new file has taken the old one's place (a
     * failure after that, forcing the folder, leaves the new file in use).
     */
    void replaceWith(List<byte[]> bodies, long[] kept, Consumer<long[]> movedTo) throws IOException {
        Path copy = compactingCopy(path);
        Files.deleteIfExists(copy);
        long copyEnd;
        long[] moved = new long[kept.length];
        try (FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            long written = 0;
            buffer.put(format.magic());
            for (byte[] body : bodies) {
                written = put(out, buffer, written, ByteBuffer.wrap(format.frame(body)));
            }
            FrameReader frames = new FrameReader();
            for (int i = 0; i < kept.length; i++) {
                moved[i] = written + buffer.position();
                written = put(out, buffer, written, frames.frameAt(kept[i]));
            }
            writeAll(out, buffer.flip());
            out.force(true);
            copyEnd = out.size();
        }
        faults.at(CrashPoint.COMPACTED_NOT_RENAMED, path);
        FileChannel replacement = FileChannel.open(copy, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (!lockForWriting(replacement)) {
                throw new IOException("cannot lock the compacted copy " + copy);
            }
            DurableFiles.moveAtomically(copy, path);
        } catch (IOException | RuntimeException e) {
            replacement.close();
            Files.deleteIfExists(copy);
            throw e;
        }
        synchronized (this) {
            // The copy holds every frame written, forced. The old file is forced too, so that a frame a waiter is told
            // is durable once the copy is forced is on disk whichever of the two a crash before the folder's fsync
            // leaves under the name.
            channel.force(false);
            FileChannel old = channel;
            channel = replacement;
            end = copyEnd;
            movedTo.accept(moved);
            old.close();
        }
        faults.at(CrashPoint.COMPACTED_RENAMED, path);
        DurableFiles.forceFolder(path.getParent());
    }

    /**
     * Keeps a copy of the damaged file beside it, {@code <name>.damaged-<millis>}, before a salvage rewrites
     * it; returns the copy's path.
     */
    Path keepDamagedCopy(Instant now) throws IOException {
        Path copy = path.resolveSibling(path.getFileName() + ".damaged-" + now.toEpochMilli());
        Files.copy(path, copy, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel written = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            written.force(true);
        }
        DurableFiles.forceFolder(path.getParent());
        return copy;
    }

    /**
     * True when the file at {@link #path} is no longer the one this reader opened: its owner compacted it, so
     * it must be read again from the start.
     */
    boolean replacedOnDisk() throws IOException {
        if (!Files.exists(path)) {
            return true;
        }
        Object onDisk = fileKey(path);
        return onDisk != null && !onDisk.equals(openedKey) || channel.size() < end;
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            channel.close();
        }
    }

    private static Path compactingCopy(Path path) {
        return path.resolveSibling(path.getFileName() + COMPACTING_SUFFIX);
    }

    /** Adds {@code frame} to {@code buffer}, writing the buffer out first when full; returns the bytes written out. */
    private static long put(FileChannel out, ByteBuffer buffer, long written, ByteBuffer frame) throws IOException {
        if (buffer.remaining() < frame.remaining()) {
            written += buffer.position();
            writeAll(out, buffer.flip());
            buffer.clear();
        }
        if (frame.remaining() > buffer.capacity()) {
            written += frame.remaining();
            writeAll(out, frame);
        } else {
            buffer.put(frame);
        }
        return written;
    }

    /**
     * Reads frames of this file by offset through a window of 1 MiB (or one largest frame, if larger), for frames
     * that lie in ascending order.
     */
    private final class FrameReader {
        private final ByteBuffer window = ByteBuffer.allocate(Math.max(1 << 20, FRAME_HEADER + format.maxBody()));
        private long windowStart;
        private int windowLength;

        /** The whole frame (header and body) at {@code offset}, a view valid until the next call. */
        ByteBuffer frameAt(long offset) throws IOException {
            if (offset < format.magic().length || offset + FRAME_HEADER > end) {
                throw new IOException(path + " has no frame at " + offset);
            }
            fill(offset, FRAME_HEADER);
            int length = window.getInt((int) (offset - windowStart));
            if (length < 1 || length > format.maxBody() || offset + FRAME_HEADER + length > end) {
                throw new IOException(path + " has no whole frame at " + offset);
            }
            fill(offset, FRAME_HEADER + length);
            int from = (int) (offset - windowStart);
            return window.slice(from, FRAME_HEADER + length);
        }

        private void fill(long offset, int length) throws IOException {
            if (offset >= windowStart && offset + length <= windowStart + windowLength) {
                return;
            }
            int reading = (int) Math.min(window.capacity(), end - offset);
            window.clear().limit(reading);
            while (window.hasRemaining()) {
                if (channel.read(window, offset + window.position()) < 0) {
                    throw new IOException(path + " ended at " + (offset + window.position()) + " while reading");
                }
            }
            window.clear();
            windowStart = offset;
            windowLength = reading;
        }
    }

    private static void writeAll(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private boolean headerComplete() throws IOException {
        byte[] magic = format.magic();
        if (magic.length == 0) {
            return true;
        }
        long size = channel.size();
        byte[] present = new byte[(int) Math.min(size, magic.length)];
        read(0, present.length).get(present);
        if (!Arrays.equals(present, Arrays.copyOf(magic, present.length))) {
            throw new CorruptLogException(format.name(), path, 0, "it does not start with "
                    + new String(magic, StandardCharsets.US_ASCII) + "; it is not a " + format.name());
        }
        return present.length == magic.length;
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
}
