package io.artstore.ingester.server.testing;

import io.artstore.ingester.core.port.out.TransactionLog;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A synchronisation point for tests: the thread that logged a transfer's commit decision waits there until the
 * test {@link #release}s it, so that the test acts while the transfer is {@code committing}, neither before nor after.
 * Wire it with {@link TestServer.Builder#transactionLog}.
 */
public final class PauseAfterCommitDecision implements UnaryOperator<TransactionLog> {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public TransactionLog apply(TransactionLog log) {
        return new OnCommitDecision(log, decided -> {
            reached.countDown();
            try {
                // Bounded, so that a test that forgets to release does not hang the server's stop.
                released.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Waits until a transfer has logged its commit decision and stands at the point. */
    public void awaitReached() {
        try {
            if (!reached.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("no transfer logged a commit decision within " + TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Lets every paused transfer, and any later one, go on. */
    public void release() {
        released.countDown();
    }
}
