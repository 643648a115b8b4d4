package io.artstore.ingester.redis.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.CapacityReservations.Reservation;
import io.artstore.ingester.core.port.out.CapacityReservationsContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

class RedisCapacityReservationsTest extends CapacityReservationsContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected CapacityReservations createReservations() {
        return new RedisCapacityReservations(REDIS.state("instance-a"));
    }

    @Test
    void two_instances_on_their_own_connections_never_promise_the_same_space_twice() throws Exception {
        long available = 50_000;
        try (RedisClient first = REDIS.newClient(); RedisClient second = REDIS.newClient()) {
            List<CapacityReservations> instances = List.of(
                    new RedisCapacityReservations(new RedisState(first, RedisState.Settings.standalone("instance-a"))),
                    new RedisCapacityReservations(new RedisState(second, RedisState.Settings.standalone("instance-b"))));
            ExecutorService threads = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<Long>> racers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    CapacityReservations instance = instances.get(t % 2);
                    int seed = t;
                    racers.add(threads.submit(() -> {
                        start.await();
                        long won = 0;
                        for (int i = 0; i < 300; i++) {
                            long bytes = 1 + (seed * 31L + i * 17L) % 97;
                            won += instance.tryReserve(SE, bytes, available).map(Reservation::reservedBytes).orElse(0L);
                        }
                        return won;
                    }));
                }
                start.countDown();
                long promised = 0;
                for (Future<Long> racer : racers) {
                    promised += racer.get(60, TimeUnit.SECONDS);
                }
                assertThat(promised).isLessThanOrEqualTo(available).isGreaterThan(available - 97);
                assertThat(instances.get(0).outstandingBytes(SE)).isEqualTo(promised);
                assertThat(instances.get(1).outstandingBytes(SE)).isEqualTo(promised);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void the_reservation_of_an_upload_that_stopped_reporting_lapses() throws Exception {
        RedisCapacityReservations short_lived = new RedisCapacityReservations(REDIS.state("instance-a"), Duration.ofMillis(200));
        short_lived.tryReserve(SE, 600, 1000).orElseThrow();
        assertThat(short_lived.tryReserve(SE, 600, 1000)).isEmpty();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (short_lived.outstandingBytes(SE) > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        assertThat(short_lived.outstandingBytes(SE)).isZero();
        assertThat(short_lived.tryReserve(SE, 600, 1000)).isPresent();
    }
}
