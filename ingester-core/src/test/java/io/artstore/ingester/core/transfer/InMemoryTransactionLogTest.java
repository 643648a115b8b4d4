package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.port.out.TransactionLogContract;

class InMemoryTransactionLogTest extends TransactionLogContract {

    @Override
    protected TransactionLog createLog() {
        return new InMemoryTransactionLog();
    }
}
