package io.artstore.ingester.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

    private final ExecutorService pool = DaemonThreads.cached("test");

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void a_tasks_io_failure_is_handed_on_as_it_is_and_any_other_one_wrapped() {
        IOException disk = new IOException("disk gone");
        Future<Object> failing = pool.submit(() -> {
            throw disk;
        });
        Future<Object> broken = pool.submit(() -> {
            throw new IllegalStateException("bug");
        });

        assertThatThrownBy(() -> DaemonThreads.outcome(failing, "writing")).isSameAs(disk);
        assertThatThrownBy(() -> DaemonThreads.outcome(broken, "writing")).isInstanceOf(IOException.class)
                .hasMessageStartingWith("writing: ").hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void an_interrupted_wait_goes_on_until_the_task_ends_and_keeps_the_interrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<String> task = pool.submit(() -> {
            release.await();
            return "done";
        });
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                result.complete(DaemonThreads.outcome(task, "waiting"));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        });
        waiter.start();
        waiter.interrupt();
        Thread.onSpinWait();
        assertThat(result).as("still waiting after the interrupt").isNotDone();
        release.countDown();

        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(interruptedAfter.get(5, TimeUnit.SECONDS)).isTrue();
    }
}
