package io.artstore.ingester.core.pipeline;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Starts an {@link EarlyForce} of a file every {@code every} bytes written to it, so that the force its writer waits
 * for at the end finds little left to write. Never two at once: when the one before is still running at the next mark,
 * none starts, so a slow disk gets fewer. An early force protects nothing on its own; one that fails fails the writer,
 * as the file's next force may no longer see the error.
 *
 * <p>{@link #written} is called by the thread that writes; {@link #finish} and {@link #abandon} may be called by another
 * once that one is idle.
 */
public final class EarlyWriteback {

    private final EarlyForce.Forcing force;
    private final long every;
    private long nextAt;
    private volatile EarlyForce running;

    public EarlyWriteback(EarlyForce.Forcing force, long every) {
        this.force = force;
        this.every = every;
        this.nextAt = every;
    }

    /** Told how many bytes are written so far; reports the failure of an early force that ended since. */
    public void written(long total) throws IOException {
        if (total < nextAt) {
            return;
        }
        EarlyForce before = running;
        if (before != null) {
            if (!before.future().isDone()) {
                return;
            }
            outcome(before.future());
        }
        nextAt = total + every;
        running = EarlyForce.submit(force);
    }

    /** Waits for the early force under way, if any, and reports its failure; one that has not begun is dropped. */
    public void finish() throws IOException {
        EarlyForce before = running;
        running = null;
        if (before != null && !before.dropIfNotBegun()) {
            outcome(before.future());
        }
    }

    /**
     * Before the file closes after a failure: a queued early force never begins, a running one is waited for (it holds
     * the file), and its outcome is dropped, as the writer's own failure is the one to report.
     */
    public void abandon() {
        EarlyForce before = running;
        running = null;
        if (before == null || before.dropIfNotBegun()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                before.future().get();
                break;
            } catch (ExecutionException | CancellationException e) {
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void outcome(Future<?> force) throws IOException {
        try {
            force.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while forcing a file early");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("forcing the file to disk failed: " + e.getCause(), e.getCause());
        }
    }
}
