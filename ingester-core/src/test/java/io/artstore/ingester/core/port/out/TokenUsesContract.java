package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link TokenUses} does; each implementation's test extends this. */
public abstract class TokenUsesContract {

    protected TokenUses uses;

    /** A new store with no use counted, on the real clock. */
    protected abstract TokenUses createUses() throws Exception;

    /** The same counts as another instance (or this one after a restart) sees them. */
    protected abstract TokenUses anotherView(TokenUses uses) throws Exception;

    @BeforeEach
    void createTheStore() throws Exception {
        uses = createUses();
    }

    private static Instant inTenMinutes() {
        return Instant.now().plus(Duration.ofMinutes(10));
    }

    @Test
    void a_token_serves_its_uses_and_no_more() {
        String token = UUID.randomUUID().toString();

        assertThat(uses.tryUse(token, 3, inTenMinutes())).isTrue();
        assertThat(uses.tryUse(token, 3, inTenMinutes())).isTrue();
        assertThat(uses.tryUse(token, 3, inTenMinutes())).isTrue();
        assertThat(uses.tryUse(token, 3, inTenMinutes())).isFalse();
        assertThat(uses.tryUse(token, 3, inTenMinutes())).as("a refused use counts nothing, and stays refused").isFalse();
    }

    @Test
    void tokens_are_counted_apart() {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();

        assertThat(uses.tryUse(first, 1, inTenMinutes())).isTrue();

        assertThat(uses.tryUse(second, 1, inTenMinutes())).isTrue();
        assertThat(uses.tryUse(first, 1, inTenMinutes())).isFalse();
    }

    @Test
    void a_single_use_token_used_on_one_instance_is_spent_on_another() throws Exception {
        TokenUses other = anotherView(uses);
        String token = UUID.randomUUID().toString();

        assertThat(uses.tryUse(token, 1, inTenMinutes())).isTrue();

        assertThat(other.tryUse(token, 1, inTenMinutes())).isFalse();
    }

    @Test
    void concurrent_uses_never_exceed_the_limit() throws Exception {
        String token = UUID.randomUUID().toString();
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> granted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                granted.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int count = 0;
                    for (int i = 0; i < 5; i++) {
                        count += uses.tryUse(token, 7, inTenMinutes()) ? 1 : 0;
                    }
                    return count;
                }));
            }
            int total = 0;
            for (Future<Integer> future : granted) {
                total += future.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(7);
        } finally {
            pool.shutdownNow();
        }
    }
}
