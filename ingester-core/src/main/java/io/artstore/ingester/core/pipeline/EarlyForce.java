package io.artstore.ingester.core.pipeline;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An early {@code fdatasync} of a file being written, handed to a pool so that the disk writes while the bytes go on
 * arriving. It forces only if it claims itself before its writer drops it: a queued {@link Future} can be cancelled,
 * but so can one already running, and then its failure would be lost, and bytes the failed writeback left unwritten
 * taken for durable (the file's next {@code fdatasync} may not report the error again).
 */
public record EarlyForce(Future<?> future, AtomicBoolean claimed) {

    /** The force itself. */
    public interface Forcing {
        void run() throws IOException;
    }

    /**
     * Two threads for every writer in the process: each early force is one {@code fdatasync}, and more at once would only
     * queue in the disk.
     */
    private static final ExecutorService WRITEBACK = DaemonThreads.bounded("early-writeback", 2);

    /** Starts {@code force} on the process's writeback threads. */
    public static EarlyForce submit(Forcing force) {
        return submit(WRITEBACK, force);
    }

    static EarlyForce submit(ExecutorService pool, Forcing force) {
        AtomicBoolean claimed = new AtomicBoolean();
        return new EarlyForce(pool.submit(() -> {
            if (claimed.compareAndSet(false, true)) {
                force.run();
            }
            return null;
        }), claimed);
    }

    /** True when it had not begun and now never will; false when it began, and its outcome is to be waited for. */
    public boolean dropIfNotBegun() {
        return claimed.compareAndSet(false, true);
    }
}
