package io.artstore.ingester.core.saga;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.SagaLogContract;

class InMemorySagaLogTest extends SagaLogContract {

    private final InMemorySagaLog log = new InMemorySagaLog();

    @Override
    protected SagaLog instance(String instanceId) {
        return log;
    }
}
