package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.testing.SagaLogContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisSagaLogTest extends SagaLogContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final Map<String, SagaLog> instances = new HashMap<>();

    @Override
    protected SagaLog instance(String instanceId) {
        return instances.computeIfAbsent(instanceId, id -> new RedisSagaLog(REDIS.state(id)));
    }
}
