package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.ClockSync;
import io.artstore.ingester.core.port.out.ClockSyncContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisClockSyncTest extends ClockSyncContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected ClockSync createSync() {
        return new RedisClockSync(REDIS.state("instance-a"));
    }
}
