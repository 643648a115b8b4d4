package io.artstore.ingester.storage.local;

import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.pipeline.DaemonThreads;
import io.artstore.ingester.core.pipeline.EarlyWriteback;
import io.artstore.ingester.core.port.out.DigestedContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Writes a content stream into a new file and forces it to disk: the element's data path.
 *
 * <ul>
 * <li><b>One hash pass.</b> A {@link DigestedContent} stream already knows the SHA-256 of the bytes it hands out; they are
 *     written unchanged, so its digest is theirs and they are not hashed again. The count of bytes written is checked
 *     against the stream's own. Any other stream is hashed here.
 * <li><b>Large writes.</b> Reads fill a 256 KiB block before it is written: a quarter as many write calls as the
 *     64 KiB reads upstream would make.
 * <li><b>Early writeback.</b> Every {@link #WRITEBACK_EVERY_BYTES} written, a background thread forces the file
 *     ({@code fdatasync}) while the writer goes on, so that the disk works while the bytes arrive and the closing
 *     {@code fsync} has only the last block left to write. It protects nothing on its own (the closing force does), and
 *     files smaller than that size never get one. 16 MiB rather than more: the compressed output of a few hundred MiB
 *     of text is a few tens of MiB, and its closing force would otherwise write all of it while the upload waits. A failed early force fails the copy, since the closing force on the
 *     same file may no longer see the error.
 * </ul>
 */
final class ContentWriter {

    static final int BLOCK_BYTES = 256 * 1024;
    static final long WRITEBACK_EVERY_BYTES = 16L * 1024 * 1024;

    record Written(long size, Sha256 checksum) {}

    private ContentWriter() {
    }

    /**
     * Creates {@code target} (which must not exist), copies {@code content} into it to its end and forces it to disk.
     *
     * @throws IngestException {@code content_unreadable} when the content fails, {@code storage_checksum_mismatch}
     *     when a {@link DigestedContent} stream's count is not what was written
     */
    static Written write(InputStream content, Path target) throws IOException {
        return write(content, target, WRITEBACK_EVERY_BYTES);
    }

    /** @param writebackEvery bytes written between two early forces */
    static Written write(InputStream content, Path target, long writebackEvery) throws IOException {
        Optional<DigestedContent> digested = content instanceof DigestedContent d ? Optional.of(d) : Optional.empty();
        MessageDigest digest = digested.isPresent() ? null : sha256();
        byte[] block = new byte[BLOCK_BYTES];
        ByteBuffer wrapped = ByteBuffer.wrap(block);
        long size = 0;
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            EarlyWriteback writeback = new EarlyWriteback(() -> channel.force(false), writebackEvery);
            try {
                boolean ended = false;
                while (!ended) {
                    int filled = 0;
                    while (filled < block.length) {
                        int n = read(content, block, filled);
                        if (n < 0) {
                            ended = true;
                            break;
                        }
                        filled += n;
                    }
                    if (filled == 0) {
                        break;
                    }
                    if (digest != null) {
                        digest.update(block, 0, filled);
                    }
                    wrapped.clear().limit(filled);
                    while (wrapped.hasRemaining()) {
                        channel.write(wrapped);
                    }
                    size += filled;
                    writeback.written(size);
                }
                writeback.finish();
            } finally {
                writeback.abandon();
            }
            channel.force(true);
        }
        return new Written(size, digested.isPresent() ? digested.get().digestOfPassedOn(size) : Sha256.of(digest.digest()));
    }

    /**
     * Creates {@code target} (which must not exist) as a copy of the whole of {@code source}, forced to disk, and tells
     * the SHA-256 of the bytes read back from {@code target}: what the copy holds, not what was meant to be written.
     * The kernel copies ({@link FileChannel#transferTo}: no byte passes through the JVM), in {@link #COPY_CHUNK_BYTES}
     * steps with the early writeback of {@link #write}; a second thread reads back and hashes each step once it is
     * copied, so that hashing runs beside the copy instead of after it. Never a link: the copy must outlive the source's
     * disk.
     *
     * @param progress told the count of bytes copied after each step
     */
    static Written copy(Path source, Path target, LongConsumer progress) throws IOException {
        return copy(source, target, progress, WRITEBACK_EVERY_BYTES);
    }

    /** @param writebackEvery bytes written between two early forces */
    static Written copy(Path source, Path target, LongConsumer progress, long writebackEvery) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                FileChannel back = FileChannel.open(target, StandardOpenOption.READ)) {
            ReadBack readBack = new ReadBack(back);
            Future<Sha256> digest = READ_BACK.submit(readBack);
            EarlyWriteback writeback = new EarlyWriteback(() -> out.force(false), writebackEvery);
            long size = 0;
            try {
                while (true) {
                    long n = in.transferTo(size, COPY_CHUNK_BYTES, out);
                    if (n <= 0) {
                        if (size >= in.size()) {
                            break;
                        }
                        throw new IOException("copying " + source + " stopped at byte " + size + " of " + in.size());
                    }
                    size += n;
                    readBack.copied(size);
                    progress.accept(size);
                    writeback.written(size);
                }
                writeback.finish();
                readBack.ended();
            } finally {
                writeback.abandon();
                readBack.abandon();
            }
            out.force(true);
            return new Written(size, DaemonThreads.outcome(digest, "reading the copy back failed"));
        }
    }

    /** Bytes the kernel copies in one step of {@link #copy}: each step is then read back and hashed. */
    static final long COPY_CHUNK_BYTES = 8L * 1024 * 1024;

    /** Threads that read back and hash what {@link #copy} copied; one per copy running. */
    private static final ExecutorService READ_BACK = DaemonThreads.cached("copy-read-back");

    /**
     * Hashes the copy from its start as far as the copier says it has copied, by reads from the copy's page cache (the
     * pages just written), until the copier says it has ended or gives up.
     */
    private static final class ReadBack implements Callable<Sha256> {
        private static final int READ_BYTES = 1024 * 1024;
        private final FileChannel channel;
        private long copied;
        private boolean ended;
        private boolean abandoned;

        ReadBack(FileChannel channel) {
            this.channel = channel;
        }

        synchronized void copied(long total) {
            copied = total;
            notifyAll();
        }

        synchronized void ended() {
            ended = true;
            notifyAll();
        }

        /** After a failed copy: stop at the next step. After {@link #ended} it changes nothing. */
        synchronized void abandon() {
            if (!ended) {
                abandoned = true;
                notifyAll();
            }
        }

        @Override
        public Sha256 call() throws IOException, InterruptedException {
            MessageDigest digest = sha256();
            ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES);
            long hashed = 0;
            while (true) {
                long upTo;
                synchronized (this) {
                    while (copied == hashed && !ended && !abandoned) {
                        wait();
                    }
                    if (abandoned) {
                        throw new IOException("the copy was abandoned");
                    }
                    if (copied == hashed) {
                        break;
                    }
                    upTo = copied;
                }
                while (hashed < upTo) {
                    buffer.clear().limit((int) Math.min(READ_BYTES, upTo - hashed));
                    int n = channel.read(buffer, hashed);
                    if (n < 0) {
                        throw new IOException("the copy ended at byte " + hashed + " when reading it back");
                    }
                    digest.update(buffer.array(), 0, n);
                    hashed += n;
                }
            }
            return Sha256.of(digest.digest());
        }
    }

    private static int read(InputStream content, byte[] block, int from) {
        try {
            return content.read(block, from, block.length - from);
        } catch (IOException e) {
            throw new IngestException(Kind.INTERNAL, "content_unreadable",
                    "the content of the file could not be read to its end: " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
