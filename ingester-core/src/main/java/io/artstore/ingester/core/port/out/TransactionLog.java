package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import java.util.List;

/**
 * The durable log of transfer transactions: written before each action is taken, read by the recovery sweep.
 * Implementations are thread-safe.
 */
public interface TransactionLog {

    /**
     * Appends a record. It is durable (forced to stable storage, or acknowledged by replicas) when the call
     * returns; for a {@link TransactionRecord.Decided} record this is what two-phase commit rests on.
     *
     * @throws IllegalArgumentException when the first record of a transaction is not its begin record
     */
    void append(TransactionRecord record);

    /** The transaction's records in the order written; empty when it is unknown. */
    List<TransactionRecord> load(TransactionId id);

    /** Transactions begun and not ended, oldest first. */
    List<TransactionId> unfinished();

    /** Transactions begun on the file, oldest first. */
    List<TransactionId> findByFile(FileId fileId);
}
