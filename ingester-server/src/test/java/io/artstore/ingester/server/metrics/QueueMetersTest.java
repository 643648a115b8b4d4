package io.artstore.ingester.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.out.OutboxStatus;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.port.out.TaskQueue;
import io.artstore.ingester.server.config.MetricsSettings;
import io.artstore.ingester.server.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The event outbox's and the task queue's depths at {@code /metrics}, and a queue whose depth cannot be read. */
class QueueMetersTest {

    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");

    private final Metrics metrics = Metrics.create(MetricsSettings.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC));

    private PrometheusText scrape() {
        return PrometheusText.parse(metrics.scrape(null).orElseThrow().body());
    }

    @Test
    void the_outbox_shows_its_depth_bound_and_oldest_age_and_zero_without_kafka() {
        AtomicReference<Optional<OutboxStatus>> status = new AtomicReference<>(Optional.empty());
        InstanceMeters.outbox(metrics, status::get, Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(scrape().sum("artstore_outbox_events", Map.of())).isZero();

        status.set(Optional.of(new OutboxStatus(42, 1000, Optional.of(NOW.minusSeconds(90)))));
        PrometheusText waiting = scrape();
        assertThat(waiting.sum("artstore_outbox_events", Map.of())).isEqualTo(42);
        assertThat(waiting.sum("artstore_outbox_capacity_events", Map.of())).isEqualTo(1000);
        assertThat(waiting.sum("artstore_outbox_oldest_age_seconds", Map.of())).isEqualTo(90);
        assertThat(waiting.family("artstore_outbox_events").orElseThrow().type()).isEqualTo("gauge");
    }

    @Test
    void the_task_queue_depth_is_read_in_the_background_and_a_failed_read_keeps_the_last_value() {
        AtomicReference<TaskQueue.Depth> depth = new AtomicReference<>(new TaskQueue.Depth(7, Duration.ofSeconds(12)));
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        TaskQueue queue = new TaskQueue() {
            @Override
            public void submit(Task task) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Depth depth() {
                RuntimeException e = failure.get();
                if (e != null) {
                    throw e;
                }
                return depth.get();
            }
        };
        InstanceMeters.tasks(metrics, queue);

        TestServer.await("the depth is read", () -> scrape().sum("artstore_tasks_waiting", Map.of()) == 7);
        assertThat(scrape().sum("artstore_tasks_oldest_age_seconds", Map.of())).isEqualTo(12);

        failure.set(new IllegalStateException("broker down"));
        TestServer.await("the failed read is counted",
                () -> scrape().sum("artstore_tasks_depth_read_failures_total", Map.of()) >= 1);
        assertThat(scrape().sum("artstore_tasks_waiting", Map.of())).isEqualTo(7);

        failure.set(null);
        depth.set(new TaskQueue.Depth(0, Duration.ZERO));
        TestServer.await("the depth is read again", () -> scrape().sum("artstore_tasks_waiting", Map.of()) == 0);
    }
}
