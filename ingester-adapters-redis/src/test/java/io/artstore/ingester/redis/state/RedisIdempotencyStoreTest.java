package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.IdempotencyStore;
import io.artstore.ingester.core.port.out.IdempotencyStoreContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Another view is another instance on a client of its own. */
class RedisIdempotencyStoreTest extends IdempotencyStoreContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected IdempotencyStore createStore() {
        return new RedisIdempotencyStore(REDIS.state("instance-a"));
    }

    @Override
    protected IdempotencyStore anotherView(IdempotencyStore store) {
        return new RedisIdempotencyStore(REDIS.otherInstance("instance-b"));
    }
}
