package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.testing.Faults;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.transfer.TransactionRecord.Begun;
import io.artstore.ingester.core.transfer.TransactionRecord.Ended;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The transaction log in memory; appends pass through {@link Faults} as {@code log.append:<record type>}. */
public final class InMemoryTransactionLog implements TransactionLog {

    private final Faults faults;
    private final Map<TransactionId, List<TransactionRecord>> transactions = new LinkedHashMap<>();

    public InMemoryTransactionLog(Faults faults) {
        this.faults = faults;
    }

    public InMemoryTransactionLog() {
        this(new Faults());
    }

    @Override
    public void append(TransactionRecord record) {
        faults.around("log.append:" + record.getClass().getSimpleName(), () -> {
            synchronized (this) {
                List<TransactionRecord> records = transactions.get(record.transactionId());
                if (records == null) {
                    if (!(record instanceof Begun)) {
                        throw new IllegalArgumentException("transaction " + record.transactionId() + " must begin first");
                    }
                    records = new ArrayList<>();
                    transactions.put(record.transactionId(), records);
                }
                records.add(record);
            }
        });
    }

    @Override
    public synchronized List<TransactionRecord> load(TransactionId id) {
        return List.copyOf(transactions.getOrDefault(id, List.of()));
    }

    @Override
    public synchronized List<TransactionId> unfinished() {
        return transactions.entrySet().stream()
                .filter(entry -> entry.getValue().stream().noneMatch(Ended.class::isInstance))
                .map(Map.Entry::getKey)
                .toList();
    }

    @Override
    public synchronized List<TransactionId> findByFile(FileId fileId) {
        return transactions.entrySet().stream()
                .filter(entry -> ((Begun) entry.getValue().get(0)).fileId().equals(fileId))
                .map(Map.Entry::getKey)
                .toList();
    }
}
