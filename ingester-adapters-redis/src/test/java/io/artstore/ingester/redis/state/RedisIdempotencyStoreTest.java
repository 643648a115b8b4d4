package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.IdempotencyStore;
import io.artstore.ingester.core.port.out.IdempotencyStoreContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** Another view is another instance on a client of its own. */
class RedisIdempotencyStoreTest extends IdempotencyStoreContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private RedisClient otherClient;

    @AfterEach
    void closeOther() {
        if (otherClient != null) {
            otherClient.close();
        }
    }

    @Override
    protected IdempotencyStore createStore() {
        return new RedisIdempotencyStore(REDIS.state("instance-a"));
    }

    @Override
    protected IdempotencyStore anotherView(IdempotencyStore store) {
        if (otherClient == null) {
            otherClient = REDIS.newClient();
        }
        return new RedisIdempotencyStore(new RedisState(otherClient, RedisState.Settings.standalone("instance-b")));
    }
}
