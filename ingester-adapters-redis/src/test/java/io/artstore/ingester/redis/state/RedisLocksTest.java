package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.LocksContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisLocksTest extends LocksContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected Locks createLocks() {
        return new RedisLocks(REDIS.state("instance-a"));
    }
}
