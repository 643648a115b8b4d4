package io.artstore.ingester.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EarlyForceTest {

    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void a_force_dropped_before_it_began_never_runs() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        pool.submit(() -> busy.await(20, TimeUnit.SECONDS)); // keeps the only thread, so the force stays queued
        AtomicInteger forces = new AtomicInteger();
        EarlyForce force = EarlyForce.submit(pool, forces::incrementAndGet);

        assertThat(force.dropIfNotBegun()).isTrue();
        busy.countDown();
        force.future().get(20, TimeUnit.SECONDS);
        assertThat(forces).hasValue(0);
    }

    @Test
    void a_force_under_way_is_not_dropped_and_its_failure_is_kept() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EarlyForce force = EarlyForce.submit(pool, () -> {
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("EIO on writeback");
        });
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();

        assertThat(force.dropIfNotBegun()).isFalse();
        release.countDown();
        assertThatThrownBy(() -> force.future().get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("EIO on writeback");
    }
}
