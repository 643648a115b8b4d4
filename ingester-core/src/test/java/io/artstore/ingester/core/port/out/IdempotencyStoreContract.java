package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.in.Action;
import io.artstore.ingester.core.port.in.CommandKey;
import io.artstore.ingester.core.port.out.IdempotencyStore.Claim;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link IdempotencyStore} does; each implementation's test extends this. */
public abstract class IdempotencyStoreContract {

    private static final Duration LEASE = Duration.ofSeconds(30);

    protected IdempotencyStore store;
    private final String saga = "saga-" + UUID.randomUUID();
    // Millisecond precision: what every implementation keeps.
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    /** A new, empty store. */
    protected abstract IdempotencyStore createStore() throws Exception;

    /** The same records as another instance (or this one after a restart) sees them. */
    protected abstract IdempotencyStore anotherView(IdempotencyStore store) throws Exception;

    @BeforeEach
    void createTheStore() throws Exception {
        store = createStore();
    }

    private CommandKey key(String step, Action action) {
        return new CommandKey(saga, step, action);
    }

    @Test
    void a_first_claim_is_granted_and_a_second_one_sees_it_held() {
        CommandKey execute = key("1", Action.EXECUTE);
        assertThat(store.claim(execute, "a", now, LEASE)).isEqualTo(new Claim.Granted(false, false, Optional.empty()));
        assertThat(store.claim(execute, "b", now.plusSeconds(1), LEASE)).isEqualTo(new Claim.Held("a", now.plus(LEASE)));
    }

    @Test
    void an_answered_command_gets_its_reply_again_from_any_view() throws Exception {
        CommandKey execute = key("1", Action.EXECUTE);
        store.claim(execute, "a", now, LEASE);
        assertThat(store.complete(execute, "a", "{\"outcome\":\"succeeded\"}")).isTrue();

        IdempotencyStore other = anotherView(store);
        assertThat(other.claim(execute, "b", now.plus(LEASE).plusSeconds(1), LEASE))
                .isEqualTo(new Claim.Answered("{\"outcome\":\"succeeded\"}", false));
        assertThat(other.complete(execute, "b", "{}")).isFalse();
    }

    @Test
    void a_lease_that_ran_out_without_a_reply_is_taken_over_and_the_old_owner_can_no_longer_answer() {
        CommandKey execute = key("1", Action.EXECUTE);
        store.claim(execute, "a", now, LEASE);
        assertThat(store.claim(execute, "b", now.plus(LEASE).plusMillis(1), LEASE))
                .isEqualTo(new Claim.Granted(true, false, Optional.empty()));
        assertThat(store.complete(execute, "a", "{\"from\":\"a\"}")).isFalse();
        assertThat(store.renew(execute, "a", now, LEASE)).isFalse();
        assertThat(store.complete(execute, "b", "{\"from\":\"b\"}")).isTrue();
        assertThat(store.claim(execute, "c", now, LEASE)).isEqualTo(new Claim.Answered("{\"from\":\"b\"}", false));
    }

    @Test
    void a_renewed_lease_keeps_the_command() {
        CommandKey execute = key("1", Action.EXECUTE);
        store.claim(execute, "a", now, LEASE);
        assertThat(store.renew(execute, "a", now.plus(LEASE).minusSeconds(1), LEASE)).isTrue();
        assertThat(store.claim(execute, "b", now.plus(LEASE).plusSeconds(1), LEASE)).isInstanceOf(Claim.Held.class);
    }

    @Test
    void a_released_command_is_granted_at_once_and_still_holds_back_its_compensate() {
        CommandKey execute = key("1", Action.EXECUTE);
        store.claim(execute, "a", now, LEASE);
        store.release(execute, "a");
        assertThat(store.claim(key("1", Action.COMPENSATE), "c", now, LEASE)).isEqualTo(new Claim.ExecutePending());
        assertThat(store.claim(execute, "b", now, LEASE)).isEqualTo(new Claim.Granted(true, false, Optional.empty()));
    }

    @Test
    void a_compensate_before_its_execute_bars_the_execute() {
        CommandKey compensate = key("1", Action.COMPENSATE);
        assertThat(store.claim(compensate, "a", now, LEASE)).isEqualTo(new Claim.Granted(false, false, Optional.empty()));
        // Barred even before the compensate is answered.
        assertThat(store.claim(key("1", Action.EXECUTE), "b", now, LEASE))
                .isEqualTo(new Claim.Granted(false, true, Optional.empty()));
        assertThat(store.complete(compensate, "a", "{\"outcome\":\"compensated\"}")).isTrue();
    }

    @Test
    void a_compensate_waits_while_its_execute_has_no_reply_and_writes_nothing() {
        CommandKey execute = key("1", Action.EXECUTE);
        store.claim(execute, "a", now, LEASE);
        assertThat(store.claim(key("1", Action.COMPENSATE), "b", now, LEASE)).isEqualTo(new Claim.ExecutePending());
        // Nothing written: the execute is not barred.
        store.complete(execute, "a", "{\"outcome\":\"succeeded\"}");
        assertThat(store.claim(key("1", Action.COMPENSATE), "b", now, LEASE))
                .isEqualTo(new Claim.Granted(false, false, Optional.of("{\"outcome\":\"succeeded\"}")));
    }

    @Test
    void steps_of_a_saga_are_apart() {
        store.claim(key("1", Action.COMPENSATE), "a", now, LEASE);
        assertThat(store.claim(key("2", Action.EXECUTE), "b", now, LEASE))
                .isEqualTo(new Claim.Granted(false, false, Optional.empty()));
    }

    @Test
    void a_reply_is_marked_delivered_once() throws Exception {
        CommandKey execute = key("1", Action.EXECUTE);
        assertThat(store.markDelivered(execute)).isFalse();
        store.claim(execute, "a", now, LEASE);
        assertThat(store.markDelivered(execute)).isFalse();
        store.complete(execute, "a", "{}");
        assertThat(store.markDelivered(execute)).isTrue();
        assertThat(store.markDelivered(execute)).isFalse();
        assertThat(anotherView(store).claim(execute, "b", now, LEASE)).isEqualTo(new Claim.Answered("{}", true));
    }

    @Test
    void of_views_claiming_one_command_at_once_exactly_one_is_granted() throws Exception {
        IdempotencyStore[] views = {store, anotherView(store)};
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Claim>> claims = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                IdempotencyStore view = views[t % 2];
                String owner = "owner-" + t;
                claims.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return view.claim(key("1", Action.EXECUTE), owner, now, LEASE);
                }));
            }
            int granted = 0;
            for (Future<Claim> claim : claims) {
                if (claim.get(20, TimeUnit.SECONDS) instanceof Claim.Granted) {
                    granted++;
                }
            }
            assertThat(granted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
