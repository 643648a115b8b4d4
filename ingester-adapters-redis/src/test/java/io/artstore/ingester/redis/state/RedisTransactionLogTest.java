package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.port.out.TransactionLogContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisTransactionLogTest extends TransactionLogContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected TransactionLog createLog() {
        return new RedisTransactionLog(REDIS.state("instance-a"));
    }
}
