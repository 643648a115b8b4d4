package io.artstore.ingester.storage.fs;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: writers that wrote while a force ran share the next one, as databases share the fsync of their
 * write-ahead log. A writer writes (not forced) and then calls {@link #awaitDurable}, which returns once a force
 * that began after the call has ended. The first waiter to find no force running runs one (the leader) for
 * everyone who has written so far; the others wait for it. No thread of its own, no timer: a lone writer is forced
 * at once, and the more writers arrive during a force, the more the next one covers.
 *
 * <p>A failed force fails every writer it covered. A log cannot tell what of its unforced tail reached the disk
 * after that, so {@code failuresStick} makes every later call fail too, until the file is opened again.
 */
public final class GroupCommit {

    /** One force of whatever was written before it began. */
    @FunctionalInterface
    public interface Force {
        void force() throws IOException;
    }

    private final Force force;
    private final boolean failuresStick;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition forced = lock.newCondition();
    /** Tickets handed out: one per call of {@link #awaitDurable}. */
    private long requested;
    /** Every ticket up to this one is durable. */
    private long durable;
    /** Every ticket up to this one failed with {@link #failure}. */
    private long failedUpTo;
    private IOException failure;
    private boolean forcing;
    private long forces;

    public GroupCommit(Force force, boolean failuresStick) {
        this.force = Objects.requireNonNull(force, "force");
        this.failuresStick = failuresStick;
    }

    /**
     * Returns once what the caller wrote before calling is durable.
     *
     * @throws IOException when the force covering it failed (or, with {@code failuresStick}, any force before)
     */
    public void awaitDurable() throws IOException {
        lock.lock();
        try {
            long ticket = ++requested;
            while (durable < ticket) {
                if (failure != null && (failuresStick || ticket <= failedUpTo)) {
                    throw new IOException("forcing to disk failed: " + failure.getMessage(), failure);
                }
                if (forcing) {
                    forced.awaitUninterruptibly();
                    continue;
                }
                forcing = true;
                long covers = requested;
                Throwable failed = null;
                lock.unlock();
                try {
                    force.force();
                } catch (IOException | RuntimeException | Error e) {
                    failed = e;
                } finally {
                    lock.lock();
                    forcing = false;
                    forces++;
                    if (failed == null) {
                        durable = Math.max(durable, covers);
                    } else {
                        failure = failed instanceof IOException io ? io : new IOException(failed.toString(), failed);
                        failedUpTo = covers;
                    }
                    forced.signalAll();
                }
                if (failed instanceof RuntimeException e) {
                    throw e;
                }
                if (failed instanceof Error e) {
                    throw e;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many forces ran. */
    public long forces() {
        lock.lock();
        try {
            return forces;
        } finally {
            lock.unlock();
        }
    }
}
