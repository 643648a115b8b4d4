package io.artstore.ingester.server.transfer;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * For crash tests only ({@code transfer.pause_after_decision}): holds the thread that logged a commit decision for
 * a while before phase two acts, so that a test can kill the process in exactly that window.
 */
final class PausingTransactionLog implements TransactionLog {

    private final TransactionLog delegate;
    private final Duration pause;

    PausingTransactionLog(TransactionLog delegate, Duration pause) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    @Override
    public void append(TransactionRecord record) {
        delegate.append(record);
        if (record instanceof TransactionRecord.Decided decided && decided.verdict() == Verdict.COMMIT) {
            long deadline = System.nanoTime() + pause.toNanos();
            for (long left = pause.toNanos(); left > 0 && !Thread.currentThread().isInterrupted();
                    left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
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
