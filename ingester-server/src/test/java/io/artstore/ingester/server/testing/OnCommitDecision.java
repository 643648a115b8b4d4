package io.artstore.ingester.server.testing;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.Verdict;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A transaction log that, once it has appended a transfer's commit decision, hands the record to an action on the
 * appending thread, before phase two begins: the point at which tests pause or kill a transfer.
 */
public final class OnCommitDecision implements TransactionLog {
    private final TransactionLog delegate;
    private final Consumer<TransactionRecord.Decided> action;

    public OnCommitDecision(TransactionLog delegate, Consumer<TransactionRecord.Decided> action) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.action = Objects.requireNonNull(action, "action");
    }

    @Override
    public void append(TransactionRecord record) {
        delegate.append(record);
        if (record instanceof TransactionRecord.Decided decided && decided.verdict() == Verdict.COMMIT) {
            action.accept(decided);
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
