package io.artstore.ingester.server.testing;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
        return new Paused(log);
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

    private final class Paused implements TransactionLog {
        private final TransactionLog delegate;

        Paused(TransactionLog delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        @Override
        public void append(TransactionRecord record) {
            delegate.append(record);
            if (record instanceof TransactionRecord.Decided decided && decided.verdict() == Verdict.COMMIT) {
                reached.countDown();
                try {
                    // Bounded, so that a test that forgets to release does not hang the server's stop.
                    released.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public List<TransactionRecord> load(TransactionId id) {
            return delegate.load(id);
        }

        @Override
        public List<TransactionId> unfinished() {
            return delegate.unfinished();
        }

        @Override
        public List<TransactionId> findByFile(FileId fileId) {
            return delegate.findByFile(fileId);
        }
    }
}
