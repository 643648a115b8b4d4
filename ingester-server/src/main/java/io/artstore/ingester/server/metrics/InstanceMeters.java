package io.artstore.ingester.server.metrics;

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
import java.util.function.Supplier;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

/** Meters over what parts of the server already count: alerts, transfers, the registry's outbox, Jetty. */
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
