package io.artstore.ingester.redis.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.out.BlockStore;
import io.artstore.ingester.core.port.out.BlockStoreContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Another view is another instance on a client of its own. */
class RedisBlockStoreTest extends BlockStoreContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected BlockStore createStore() {
        return new RedisBlockStore(REDIS.state("instance-a"), Clock.systemUTC());
    }

    @Override
    protected BlockStore anotherView(BlockStore store) {
        return new RedisBlockStore(REDIS.otherInstance("instance-b"), Clock.systemUTC());
    }

    @Test
    void a_block_key_expires_with_its_cool_down() {
        Instant now = Instant.now();
        store.put(new BlockStore.Block("ip", "192.0.2.1", "flood", now, now.plus(Duration.ofMinutes(2))));

        String key = "artstore:ingester:{blocks}:block:ip:192.0.2.1";
        assertThat(REDIS.client().pexpireTime(key)).isEqualTo(now.plus(Duration.ofMinutes(2)).toEpochMilli());
        assertThat(REDIS.client().zscore("artstore:ingester:{blocks}:index", "ip:192.0.2.1"))
                .isEqualTo((double) now.plus(Duration.ofMinutes(2)).toEpochMilli());
    }
}
