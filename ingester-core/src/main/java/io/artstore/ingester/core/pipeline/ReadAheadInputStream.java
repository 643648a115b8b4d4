package io.artstore.ingester.core.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads its source on a thread of its own, a few blocks ahead of its reader, so that what the source does per byte
 * (receiving, parsing, hashing the original) runs on one core while the reader's work (compressing, writing) runs on
 * another.
 *
 * <p>The reader sees exactly what a direct reader would: the same bytes in the same order, then the end, or the
 * source's failure (the same exception) where the bytes stop. The source is only read on the read-ahead thread, and
 * {@link #close()} returns only once that thread has let go of it, so the source is never touched after the close.
 * At most {@code blocks} blocks are in memory per stream.
 */
final class ReadAheadInputStream extends InputStream implements BlockLending {

    static final int BLOCK_BYTES = 256 * 1024;
    static final int BLOCKS = 4;
    /**
     * In front of a codec: 4 MiB that the receiving thread may run ahead, so that a few milliseconds in which it gets no
     * core (two cores shared with the writer, the JIT and the client) do not leave the codec without input. Blocks are
     * made only as the reader falls behind.
     */
    static final int CODEC_BLOCKS = 16;

    private static final ExecutorService THREADS = DaemonThreads.cached("upload-read-ahead");

    /** A filled block, the end, or the source's failure. */
    private record Item(byte[] bytes, int length, Throwable failure) {
        static final Item END = new Item(null, -1, null);

        boolean end() {
            return bytes == null && failure == null;
        }
    }

    private final InputStream source;
    private final Executor executor;
    private final int blockBytes;
    private final BlockingQueue<Item> filled;
    private final BlockingQueue<byte[]> empty;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean abandoned;
    private final int blocks;
    /** Blocks made so far; only the read-ahead thread counts them. */
    private int allocated;
    private boolean started;
    private Item current;
    private int position;
    private Item last;

    ReadAheadInputStream(InputStream source) {
        this(source, BLOCKS);
    }

    ReadAheadInputStream(InputStream source, int blocks) {
        this(source, THREADS, BLOCK_BYTES, blocks);
    }

    ReadAheadInputStream(InputStream source, Executor executor, int blockBytes, int blocks) {
        this.source = source;
        this.executor = executor;
        this.blockBytes = blockBytes;
        this.blocks = blocks;
        this.filled = new ArrayBlockingQueue<>(blocks + 1);
        this.empty = new ArrayBlockingQueue<>(blocks);
    }

    @Override
    public int read() throws IOException {
        return Streams.readOneByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!advance()) {
            return finished(last);
        }
        int n = Math.min(len, current.length() - position);
        System.arraycopy(current.bytes(), position, b, off, n);
        position += n;
        return n;
    }

    /** Lends the rest of the current block, straight from the block the read-ahead thread filled. */
    @Override
    public int lendTo(Sink sink) throws IOException {
        if (!advance()) {
            return finished(last);
        }
        int n = current.length() - position;
        int from = position;
        position = current.length();
        sink.accept(current.bytes(), from, n);
        return n;
    }

    /** Makes sure a block with bytes left is current, taking the next one when needed; false at the end or failure. */
    private boolean advance() throws IOException {
        while (true) {
            if (last != null) {
                return false;
            }
            if (current != null && position < current.length()) {
                return true;
            }
            if (current != null) {
                empty.offer(current.bytes());
                current = null;
            }
            Item next = take();
            if (next.bytes() == null) {
                last = next;
            } else {
                current = next;
                position = 0;
            }
        }
    }

    private int finished(Item item) throws IOException {
        if (item.end()) {
            return -1;
        }
        Throwable failure = item.failure();
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IOException(failure);
    }

    private Item take() throws IOException {
        if (!started) {
            started = true;
            executor.execute(this::readAhead);
        }
        try {
            return filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the upload's bytes");
        }
    }

    /** The read-ahead thread: fills blocks until the end, a failure, or the reader's close. */
    private void readAhead() {
        try {
            while (!abandoned) {
                byte[] block = empty.poll();
                if (block == null) {
                    block = allocated < blocks ? allocate() : empty.take();
                }
                int length = 0;
                boolean end = false;
                while (length < block.length) {
                    int n = source.read(block, length, block.length - length);
                    if (n < 0) {
                        end = true;
                        break;
                    }
                    length += n;
                    if (abandoned) {
                        return;
                    }
                }
                if (length > 0) {
                    filled.put(new Item(block, length, null));
                }
                if (end) {
                    filled.put(Item.END);
                    return;
                }
            }
        } catch (Throwable failure) {
            if (failure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            filled.offer(new Item(null, -1, failure));
        } finally {
            stopped.countDown();
        }
    }

    private byte[] allocate() {
        allocated++;
        return new byte[blockBytes];
    }

    /**
     * Stops the read-ahead thread, waiting for a read of the source it is in to return, then closes the source. A
     * block the thread waits to hand over is taken away so that it sees the close.
     */
    @Override
    public void close() throws IOException {
        if (abandoned) {
            return;
        }
        abandoned = true;
        if (started) {
            boolean interrupted = false;
            try {
                while (true) {
                    filled.clear();
                    for (int i = empty.size(); i < blocks; i++) {
                        empty.offer(new byte[0]);
                    }
                    try {
                        if (stopped.await(10, TimeUnit.MILLISECONDS)) {
                            break;
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        current = null;
        source.close();
    }
}
