package io.artstore.ingester.server.upload;

import io.artstore.ingester.core.pipeline.DaemonThreads;
import io.artstore.ingester.core.pipeline.EarlyWriteback;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Writes one request's body into an upload's staged file on a thread of its own, feeding the digests kept of it, so
 * that the request's thread only receives while the bytes before are written and hashed.
 *
 * <ul>
 * <li><b>Large writes.</b> The request's thread fills blocks of {@link #BLOCK_BYTES} (a servlet read returns what one
 *     socket read brought, a few KiB) and hands them over; at most {@link #BLOCKS} blocks are in memory per request.
 * <li><b>Early writeback.</b> Every {@code writebackEvery} bytes written, a background thread forces the file
 *     ({@code fdatasync}) while the bytes go on arriving, so that the force before an acknowledgement has only the last
 *     few MiB left to write. An early force protects nothing on its own (the one of {@link #force()} does); one that
 *     fails fails the request, as the next force on the same file may no longer see the error.
 * </ul>
 *
 * <p>{@link #force()} and {@link #drain()} return only once every byte handed over is written and in the digests:
 * what the digests say is then exactly the bytes written, which is what may be acknowledged after the force. The
 * upload's own digest, a {@link TrailingDigest}, is not waited for: each block is handed to it once written, and its
 * buffer comes back for the next bytes once hashed, so that at most {@link #BLOCKS} blocks are written or hashed at
 * a time.
 * {@link #close()} returns only once the writing thread and any early force let go of the file.
 */
final class ChunkWriter implements AutoCloseable {

    static final int BLOCK_BYTES = 1024 * 1024;
    static final int BLOCKS = 4;
    /**
     * Small, unlike a whole upload's 16 MiB: every PATCH ends in a force the client waits for, and what that force still
     * has to write is at most this much plus the early force under way (1 GiB in 16 MiB PATCHes, idle machine: 424–612
     * ms of those waits in all at 1 MiB, 638–764 ms at 4 MiB). Early forces never overlap, so a slow disk gets fewer.
     */
    static final long WRITEBACK_EVERY_BYTES = 1024 * 1024;

    private static final ExecutorService WRITERS = DaemonThreads.cached("upload-writer");
    private static final ExecutorService HASHERS = DaemonThreads.cached("upload-hasher");

    /** Where the bytes go: the staged file. */
    interface Target {
        void write(byte[] bytes, int length) throws IOException;

        void force() throws IOException;

        void truncate(long offset) throws IOException;
    }

    private record Block(byte[] bytes, int length) {}

    private final Target target;
    private final List<MessageDigest> digests;
    private final Optional<TrailingDigest> trailing;
    private final int blockBytes;
    private final int blocks;
    private final EarlyWriteback writeback;
    private final ArrayDeque<Block> pending = new ArrayDeque<>();
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private int allocated;
    private long handedOver;
    private long written;
    private Throwable failure;
    private boolean closed;
    private boolean started;

    /**
     * @param digests fed with every byte, in order, while the block that holds it is written
     * @param trailing fed with every byte, in order, after the block that holds it is written
     */
    ChunkWriter(Target target, List<MessageDigest> digests, Optional<TrailingDigest> trailing) {
        this(target, digests, trailing, BLOCK_BYTES, BLOCKS, WRITEBACK_EVERY_BYTES);
    }

    ChunkWriter(Target target, List<MessageDigest> digests, Optional<TrailingDigest> trailing, int blockBytes, int blocks,
            long writebackEvery) {
        this.target = target;
        this.digests = List.copyOf(digests);
        this.trailing = trailing;
        this.blockBytes = blockBytes;
        this.blocks = blocks;
        this.writeback = new EarlyWriteback(target::force, writebackEvery);
    }

    /** An empty block to fill, waiting while every block is still being written. */
    synchronized byte[] block() throws IOException {
        while (free.isEmpty() && allocated >= blocks) {
            failIfFailed();
            await();
        }
        failIfFailed();
        byte[] block = free.poll();
        if (block != null) {
            return block;
        }
        allocated++;
        return new byte[blockBytes];
    }

    /** Hands over the first {@code length} bytes of a block from {@link #block()}, to be written after those before. */
    synchronized void write(byte[] block, int length) throws IOException {
        failIfFailed();
        if (closed) {
            throw new IOException("the staged file's writer is closed");
        }
        if (length == 0) {
            free.add(block);
            return;
        }
        pending.add(new Block(block, length));
        handedOver += length;
        if (!started) {
            started = true;
            WRITERS.execute(this::run);
        }
        notifyAll();
    }

    /** Waits until every byte handed over is written to the file (not forced) and in the digests. */
    synchronized void drain() throws IOException {
        while (written < handedOver) {
            failIfFailed();
            await();
        }
        failIfFailed();
    }

    /** Drains, then forces the file's data to disk: every byte handed over is durable when this returns. */
    void force() throws IOException {
        drain();
        writeback.finish();
        target.force();
    }

    /** Drains, then cuts the file at {@code offset}: bytes past it are dropped. */
    void truncate(long offset) throws IOException {
        drain();
        writeback.finish();
        target.truncate(offset);
    }

    /** Stops the writing thread, dropping bytes not yet written, and waits for it and any early force to let go. */
    @Override
    public void close() {
        boolean wait;
        synchronized (this) {
            closed = true;
            wait = started;
            notifyAll();
        }
        boolean interrupted = false;
        if (wait) {
            while (true) {
                try {
                    stopped.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        writeback.abandon(); // the request failed or ended already; its own outcome is the one reported
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The writing thread: writes and hashes blocks in order until closed or failed. */
    private void run() {
        try {
            while (true) {
                Block block;
                synchronized (this) {
                    while (pending.isEmpty() && !closed) {
                        wait();
                    }
                    if (closed) {
                        return;
                    }
                    block = pending.peek();
                }
                // The block is hashed while it is written: a write that waits for the disk leaves the CPU to the digests.
                Future<?> hashing = digests.isEmpty() ? null : HASHERS.submit(() -> {
                    for (MessageDigest digest : digests) {
                        digest.update(block.bytes(), 0, block.length());
                    }
                });
                try {
                    target.write(block.bytes(), block.length());
                } finally {
                    // The next block's bytes must not reach a digest before these: the hashing ends before the block counts.
                    if (hashing != null) {
                        DaemonThreads.outcome(hashing, "hashing the staged bytes failed");
                    }
                }
                // Before the bytes count as written, so that a drained writer has no early force starting behind it.
                writeback.written(written + block.length());
                // Before too, so that a fork of the trailing digest taken once drained includes the block.
                trailing.ifPresent(digest -> digest.update(block.bytes(), block.length(), () -> giveBack(block.bytes())));
                synchronized (this) {
                    pending.poll();
                    if (trailing.isEmpty()) {
                        free.add(block.bytes());
                    }
                    written += block.length();
                    notifyAll();
                }
            }
        } catch (Throwable e) {
            synchronized (this) {
                failure = e;
                notifyAll();
            }
        } finally {
            stopped.countDown();
        }
    }

    /** A block the trailing digest has hashed: free for the next bytes, unless the writer is closed. */
    private synchronized void giveBack(byte[] block) {
        if (!closed) {
            free.add(block);
            notifyAll();
        }
    }

    private void failIfFailed() throws IOException {
        if (failure == null) {
            return;
        }
        if (failure instanceof IOException io) {
            throw new IOException(io.getMessage(), io);
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IOException("writing the staged file failed: " + failure, failure);
    }

    /** Called with the monitor held. */
    private void await() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the staged file");
        }
    }
}
