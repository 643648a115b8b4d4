package io.artstore.ingester.redis.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.out.TokenUses;
import io.artstore.ingester.core.port.out.TokenUsesContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Another view is another instance on a client of its own. */
class RedisTokenUsesTest extends TokenUsesContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected TokenUses createUses() {
        return new RedisTokenUses(REDIS.state("instance-a"));
    }

    @Override
    protected TokenUses anotherView(TokenUses uses) {
        return new RedisTokenUses(REDIS.otherInstance("instance-b"));
    }

    @Test
    void instances_using_one_token_at_once_never_exceed_its_uses() throws Exception {
        TokenUses[] instances = {uses, anotherView(uses)};
        Instant expiry = Instant.now().plus(Duration.ofMinutes(10));
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> granted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                TokenUses instance = instances[t % 2];
                granted.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int count = 0;
                    for (int i = 0; i < 10; i++) {
                        count += instance.tryUse("shared-jti", 13, expiry) ? 1 : 0;
                    }
                    return count;
                }));
            }
            int total = 0;
            for (Future<Integer> future : granted) {
                total += future.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(13);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void the_count_expires_after_the_token() {
        Instant expiry = Instant.now().plus(Duration.ofMinutes(10));

        assertThat(uses.tryUse("jti-1", 1, expiry)).isTrue();

        List<String> keys = List.copyOf(REDIS.client().keys("artstore:ingester:{tokens}:uses:*"));
        assertThat(keys).singleElement().asString().doesNotContain("jti-1");
        long expiresAt = REDIS.client().pexpireTime(keys.get(0));
        assertThat(expiresAt).isGreaterThan(expiry.toEpochMilli()).isLessThanOrEqualTo(expiry.plus(Duration.ofMinutes(10)).toEpochMilli());
    }
}
