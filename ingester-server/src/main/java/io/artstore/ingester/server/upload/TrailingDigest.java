package io.artstore.ingester.server.upload;

import io.artstore.ingester.core.pipeline.DaemonThreads;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The SHA-256 of an upload's staged bytes, computed on a pooled thread behind the writes that stage them. A
 * {@code PATCH} is acknowledged once its bytes are on disk, without waiting for them to be hashed as well: the last
 * blocks of one {@code PATCH} are hashed while its force runs and the client sends the next one.
 *
 * <p>The digests of one upload ({@link #sha256()} and every {@link #fork()} of it, at any depth) share one queue of
 * tasks, run one at a time in the order they were handed over: a fork taken after a block was handed over starts from
 * the state that includes that block, and no later one. A block is handed over with what to do once it is hashed
 * (give its buffer back), so the writer that owns the buffers bounds what waits here.
 */
final class TrailingDigest {

    private static final ExecutorService HASHERS = DaemonThreads.cached("upload-digest");

    private final Queue queue;
    /** Touched only by the queue's tasks; empty once a step failed, as the state is then unknown. */
    private Optional<MessageDigest> digest = Optional.empty();

    private TrailingDigest(Queue queue) {
        this.queue = queue;
    }

    /** A new SHA-256 at offset 0, with a queue of its own. */
    static TrailingDigest sha256() {
        TrailingDigest started = new TrailingDigest(new Queue());
        started.queue.execute(() -> started.digest = Optional.of(newSha256()));
        return started;
    }

    /** A digest that goes on from this one's state after every block handed over so far; this one is unchanged. */
    TrailingDigest fork() {
        TrailingDigest fork = new TrailingDigest(queue);
        queue.execute(() -> fork.digest = digest.flatMap(TrailingDigest::copyOf));
        return fork;
    }

    /** Hashes the first {@code length} bytes after those handed over before, then runs {@code hashed} in any case. */
    void update(byte[] bytes, int length, Runnable hashed) {
        queue.execute(() -> {
            try {
                digest.ifPresent(d -> d.update(bytes, 0, length));
            } catch (RuntimeException | Error e) {
                digest = Optional.empty();
                throw e;
            } finally {
                hashed.run();
            }
        });
    }

    /**
     * Waits until every block handed over so far is hashed and answers a copy of the digest then, or empty when a
     * step failed (the bytes are then to be read back).
     */
    Optional<MessageDigest> snapshot() throws IOException {
        CompletableFuture<Optional<MessageDigest>> done = new CompletableFuture<>();
        queue.execute(() -> {
            try {
                done.complete(digest.flatMap(TrailingDigest::copyOf));
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        });
        return DaemonThreads.outcome(done, "hashing the staged bytes failed");
    }

    private static Optional<MessageDigest> copyOf(MessageDigest digest) {
        try {
            return Optional.of((MessageDigest) digest.clone());
        } catch (CloneNotSupportedException e) {
            return Optional.empty();
        }
    }

    /** A new SHA-256 of the JDK, which always has one. */
    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Runs its tasks one at a time, in the order handed over, on a pooled thread while it has any. */
    private static final class Queue {

        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        private boolean running;

        synchronized void execute(Runnable task) {
            tasks.add(task);
            if (!running) {
                running = true;
                HASHERS.execute(this::drain);
            }
        }

        private void drain() {
            while (true) {
                Runnable task;
                synchronized (this) {
                    task = tasks.poll();
                    if (task == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    // the task marked its digest unknown or failed its waiter; the tasks after it still run, so that
                    // no waiter hangs and every block's buffer is given back
                }
            }
        }
    }
}
