package io.artstore.ingester.server.metrics;

import io.artstore.ingester.core.port.out.OutboxStatus;
import io.artstore.ingester.core.port.out.TaskQueue;
import io.artstore.ingester.server.audit.SecurityMonitor;
import io.artstore.ingester.server.transfer.TransferCounts;
import io.artstore.ingester.storage.registry.RegistryStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

/**
 * Meters over what parts of the server already count: alerts, transfers, the registry's outbox, the event outbox, the
 * task queue, Jetty.
 */
public final class InstanceMeters {

    private InstanceMeters() {
    }

    /** {@code artstore_security_alerts_total{kind}}: the alerts raised since start, every kind present from the start. */
    public static void alerts(Metrics metrics, SecurityMonitor monitor) {
        for (String kind : monitor.counts().keySet()) {
            FunctionCounter.builder("artstore.security.alerts", monitor, m -> m.counts().getOrDefault(kind, 0L))
                    .description("Security alerts raised, by kind").tag("kind", kind).register(metrics.registry());
        }
    }

    /** Two-phase-commit transfers: in flight now, and ended since start by outcome (heuristic: an operator must look). */
    public static void transfers(Metrics metrics, Supplier<TransferCounts> counts) {
        metrics.retain(counts);
        Gauge.builder("artstore.transfers.in_flight", counts, c -> c.get().inFlight())
                .description("Transfers begun and not ended (in the transaction log)").register(metrics.registry());
        Map<String, java.util.function.ToLongFunction<TransferCounts>> ended = Map.of(
                "committed", TransferCounts::committed, "aborted", TransferCounts::aborted,
                "heuristic", TransferCounts::heuristic);
        ended.forEach((outcome, count) -> FunctionCounter.builder("artstore.transfers.ended", counts,
                        c -> count.applyAsLong(c.get()))
                .description("Transfers ended since start, by outcome: committed, aborted, or heuristic (an operator must look)")
                .tag("outcome", outcome).register(metrics.registry()));
    }

    /** The admin module's file registry: its outbox's depth and age, and the calls delivered or given up on. */
    public static void registry(Metrics metrics, Supplier<RegistryStatus> status, Clock clock) {
        metrics.retain(status);
        var registry = metrics.registry();
        Gauge.builder("artstore.registry.outbox.pending", status, s -> s.get().pending())
                .description("Registry calls waiting in the outbox").register(registry);
        Gauge.builder("artstore.registry.outbox.oldest_age", status, s -> s.get().oldestPendingSince()
                        .map(since -> Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0)).orElse(0.0))
                .baseUnit("seconds").description("Age of the oldest registry call waiting in the outbox, 0 when none waits")
                .register(registry);
        FunctionCounter.builder("artstore.registry.calls", status, s -> s.get().delivered())
                .description("Registry calls since start, by outcome").tag("outcome", "delivered").register(registry);
        FunctionCounter.builder("artstore.registry.calls", status, s -> s.get().failed())
                .description("Registry calls since start, by outcome").tag("outcome", "failed").register(registry);
    }

    /** The file events' outbox towards Kafka: events waiting, its bound, and how long the oldest has waited. */
    public static void outbox(Metrics metrics, Supplier<Optional<OutboxStatus>> status, Clock clock) {
        metrics.gauge("artstore_outbox_events", "File events waiting in the outbox for the broker", Map.of(),
                () -> status.get().map(OutboxStatus::depth).orElse(0L));
        metrics.gauge("artstore_outbox_capacity_events", "The outbox's bound (kafka.outbox.max_events)", Map.of(),
                () -> status.get().map(OutboxStatus::capacity).orElse(0L));
        metrics.gauge("artstore_outbox_oldest_age_seconds", "Age of the oldest event waiting in the outbox, 0 when none waits",
                Map.of(), () -> status.get().map(s -> s.oldestAge(clock.instant()).toMillis() / 1000.0).orElse(0.0));
    }

    /**
     * The background tasks' queue: tasks waiting (with Kafka, the consumer group's lag) and the oldest one's age. Read
     * on a thread of its own and shown as last read, since the lag asks the broker, which a scrape must not wait for;
     * {@code artstore_tasks_depth_read_failures_total} counts the reads that failed.
     */
    public static void tasks(Metrics metrics, TaskQueue queue) {
        QueueDepth depth = new QueueDepth(queue);
        metrics.retain(depth);
        metrics.gauge("artstore_tasks_waiting", "Background tasks waiting (with Kafka: the consumer group's lag)", Map.of(),
                () -> depth.read().waiting());
        metrics.gauge("artstore_tasks_oldest_age_seconds", "Age of the oldest waiting background task, 0 when none waits",
                Map.of(), () -> depth.read().oldest().toMillis() / 1000.0);
        metrics.counter("artstore_tasks_depth_read_failures_total", "Reads of the task queue's depth that failed", Map.of(),
                () -> depth.failures);
    }

    /**
     * The last depth read, refreshed in the background when a scrape finds it older than a few seconds (so the first
     * scrape shows 0 and the next ones the depth).
     */
    private static final class QueueDepth {
        private static final long FRESH_NANOS = Duration.ofSeconds(5).toNanos();
        private static final ExecutorService READER = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "task-queue-depth");
            thread.setDaemon(true);
            return thread;
        });

        private final TaskQueue queue;
        private final AtomicBoolean reading = new AtomicBoolean();
        private volatile TaskQueue.Depth last = new TaskQueue.Depth(0, Duration.ZERO);
        private volatile long readAt = System.nanoTime() - FRESH_NANOS;
        private volatile long failures;

        QueueDepth(TaskQueue queue) {
            this.queue = queue;
        }

        TaskQueue.Depth read() {
            if (System.nanoTime() - readAt > FRESH_NANOS && reading.compareAndSet(false, true)) {
                READER.execute(() -> {
                    try {
                        refresh();
                    } finally {
                        reading.set(false);
                    }
                });
            }
            return last;
        }

        private void refresh() {
            try {
                last = queue.depth();
            } catch (RuntimeException e) {
                failures++;
            }
            readAt = System.nanoTime();
        }
    }

    /** Jetty's thread pool ({@code jetty_threads_*}) and the connections open now on its connectors. */
    public static void jetty(Metrics metrics, Server server) {
        if (!metrics.enabled()) {
            return;
        }
        new JettyServerThreadPoolMetrics(server.getThreadPool(), Tags.empty()).bindTo(metrics.registry());
        Gauge.builder("jetty.connections.current", server, InstanceMeters::openConnections)
                .description("Connections open now on the server's connectors").register(metrics.registry());
    }

    private static double openConnections(Server server) {
        int open = 0;
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof AbstractConnector abstractConnector) {
                open += abstractConnector.getConnectedEndPoints().size();
            }
        }
        return open;
    }
}
