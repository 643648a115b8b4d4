package io.artstore.ingester.server.upload;

import io.artstore.ingester.core.upload.UploadId;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The received bytes of resumable uploads, one file per upload ({@code <id>.bin}) in a folder that every instance
 * continuing uploads must share. Bytes are written at their offset and forced to disk before the offset is
 * acknowledged; bytes past the acknowledged offset (a request cut off or refused) are overwritten by the next ones.
 */
public final class StagingArea {

    private static final String SUFFIX = ".bin";

    /** Told after each force of a staged file how many bytes it held when the force began: those are on disk. */
    interface Forced {
        Forced NONE = bytes -> { };

        void forced(long bytes);
    }

    private final Path folder;
    private final Forced forced;

    public StagingArea(Path folder) {
        this(folder, Forced.NONE);
    }

    StagingArea(Path folder, Forced forced) {
        this.folder = folder;
        this.forced = forced;
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the staging folder " + folder.toAbsolutePath(), e);
        }
    }

    public Path folder() {
        return folder;
    }

    Path file(UploadId id) {
        return folder.resolve(id.value() + SUFFIX);
    }

    /** Opens the upload's file for writing from {@code offset}, dropping whatever lies past it. */
    Writer openAt(UploadId id, long offset) throws IOException {
        FileChannel channel = FileChannel.open(file(id), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.size() > offset) {
                channel.truncate(offset);
            }
            return new Writer(channel, offset, forced);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The first {@code length} bytes of each upload's file, one after the other. */
    InputStream read(List<UploadId> ids, List<Long> lengths) throws IOException {
        List<InputStream> parts = new ArrayList<>();
        try {
            for (int i = 0; i < ids.size(); i++) {
                InputStream in = Files.newInputStream(file(ids.get(i)));
                parts.add(new BoundedInputStream(in, lengths.get(i)));
            }
        } catch (IOException e) {
            for (InputStream part : parts) {
                part.close();
            }
            throw e;
        }
        return new BufferedInputStream(new SequenceInputStream(Collections.enumeration(parts)), 1 << 20);
    }

    void delete(UploadId id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the staged bytes of upload " + id, e);
        }
    }

    /** Bytes the staging folder's file system can still take. */
    long usableBytes() {
        try {
            return Files.getFileStore(folder).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + folder.toAbsolutePath(), e);
        }
    }

    /** Bytes all staged files take now. */
    long stagedBytes() {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    total += Files.size(file);
                } catch (NoSuchFileException gone) {
                    // deleted meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the staging folder " + folder.toAbsolutePath(), e);
        }
        return total;
    }

    long size(UploadId id) {
        try {
            return Files.size(file(id));
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one upload's bytes at their offset; {@link #force} makes them durable. */
    static final class Writer implements ChunkWriter.Target, AutoCloseable {

        private final FileChannel channel;
        private final Forced forced;
        private long position;

        private Writer(FileChannel channel, long position, Forced forced) {
            this.channel = channel;
            this.position = position;
            this.forced = forced;
        }

        @Override
        public void write(byte[] bytes, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
        }

        long position() {
            return position;
        }

        /** Data only: the file's length follows from the data written, and its name exists since creation. */
        @Override
        public void force() throws IOException {
            long bytes = channel.size();
            channel.force(false);
            forced.forced(bytes);
        }

        @Override
        public void truncate(long offset) throws IOException {
            channel.truncate(offset);
            position = offset;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static final class BoundedInputStream extends InputStream {

        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long left) {
            this.in = in;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("a staged file is shorter than its acknowledged offset");
            }
            left -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

}
