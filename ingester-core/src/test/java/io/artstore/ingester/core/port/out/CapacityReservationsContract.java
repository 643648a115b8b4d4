package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CapacityReservations.Reservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CapacityReservations} does; each implementation's test extends this. */
public abstract class CapacityReservationsContract {

    protected static final StorageElementId SE = StorageElementId.of("se-1");
    protected static final StorageElementId OTHER = StorageElementId.of("se-2");

    protected CapacityReservations reservations;

    /** New reservations with none held. */
    protected abstract CapacityReservations createReservations() throws Exception;

    @BeforeEach
    void createTheReservations() throws Exception {
        reservations = createReservations();
    }

    @Test
    void a_reservation_fits_only_within_free_space_less_what_is_outstanding() {
        Reservation first = reservations.tryReserve(SE, 600, 1000).orElseThrow();

        assertThat(reservations.outstandingBytes(SE)).isEqualTo(600);
        assertThat(reservations.tryReserve(SE, 401, 1000)).isEmpty();
        assertThat(reservations.tryReserve(SE, 400, 1000)).isPresent();
        assertThat(reservations.outstandingBytes(SE)).isEqualTo(1000);
        assertThat(reservations.outstandingBytes(OTHER)).isZero();
        assertThat(first.reservedBytes()).isEqualTo(600);
        assertThat(first.element()).isEqualTo(SE);
    }

    @Test
    void written_bytes_stop_being_outstanding() {
        Reservation reservation = reservations.tryReserve(SE, 600, 1000).orElseThrow();

        reservation.written(250);

        assertThat(reservations.outstandingBytes(SE)).isEqualTo(350);
        // The element now reports 750 free: 250 landed. 750 - 350 = 400 remain.
        assertThat(reservations.tryReserve(SE, 401, 750)).isEmpty();
        assertThat(reservations.tryReserve(SE, 400, 750)).isPresent();
    }

    @Test
    void written_beyond_the_reservation_leaves_nothing_outstanding_and_never_goes_back() {
        Reservation reservation = reservations.tryReserve(SE, 100, 1000).orElseThrow();

        reservation.written(150);
        reservation.written(50);

        assertThat(reservations.outstandingBytes(SE)).isZero();
    }

    @Test
    void closing_releases_what_is_left_once() {
        Reservation reservation = reservations.tryReserve(SE, 600, 1000).orElseThrow();
        Reservation other = reservations.tryReserve(SE, 100, 1000).orElseThrow();
        reservation.written(200);

        reservation.close();
        reservation.close();

        assertThat(reservations.outstandingBytes(SE)).isEqualTo(100);
        assertThat(reservation.tryExtend(10, 1000)).isFalse();
        other.close();
        assertThat(reservations.outstandingBytes(SE)).isZero();
    }

    @Test
    void extending_needs_room_for_the_extra_bytes() {
        Reservation reservation = reservations.tryReserve(SE, 600, 1000).orElseThrow();

        assertThat(reservation.tryExtend(401, 1000)).isFalse();
        assertThat(reservation.tryExtend(400, 1000)).isTrue();

        assertThat(reservation.reservedBytes()).isEqualTo(1000);
        assertThat(reservations.outstandingBytes(SE)).isEqualTo(1000);
    }

    @Test
    void extending_after_writing_past_the_reservation_counts_only_what_is_not_yet_written() {
        Reservation reservation = reservations.tryReserve(SE, 100, 1000).orElseThrow();
        reservation.written(300);

        assertThat(reservation.tryExtend(500, 700)).isTrue();

        assertThat(reservation.reservedBytes()).isEqualTo(600);
        assertThat(reservations.outstandingBytes(SE)).isEqualTo(300);
    }

    @Test
    void concurrent_reservers_never_overcommit() throws Exception {
        int threads = 8;
        int attemptsPerThread = 500;
        long available = 100_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<Reservation>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                Callable<List<Reservation>> reserver = () -> {
                    start.await();
                    List<Reservation> won = new ArrayList<>();
                    for (int i = 0; i < attemptsPerThread; i++) {
                        long bytes = 1 + (seed * 31L + i * 17L) % 97;
                        Optional<Reservation> reservation = reservations.tryReserve(SE, bytes, available);
                        reservation.ifPresent(won::add);
                        reservations.tryReserve(OTHER, bytes, available);
                    }
                    return won;
                };
                results.add(pool.submit(reserver));
            }
            start.countDown();
            long total = 0;
            int count = 0;
            for (Future<List<Reservation>> result : results) {
                for (Reservation reservation : result.get()) {
                    total += reservation.reservedBytes();
                    count++;
                }
            }
            assertThat(total).isEqualTo(reservations.outstandingBytes(SE)).isLessThanOrEqualTo(available);
            assertThat(available - total).as("room left once no attempt fitted").isLessThan(97);
            assertThat(count).isLessThan(threads * attemptsPerThread);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrent_closes_release_exactly_everything() throws Exception {
        List<Reservation> held = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            held.add(reservations.tryReserve(SE, 10, Long.MAX_VALUE).orElseThrow());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int from = t * 100;
                done.add(pool.submit(() -> {
                    for (int i = from; i < from + 100; i++) {
                        held.get(i).written(4);
                        held.get(i).close();
                        held.get((i + 1) % 400).written(2);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reservations.outstandingBytes(SE)).isZero();
    }
}
