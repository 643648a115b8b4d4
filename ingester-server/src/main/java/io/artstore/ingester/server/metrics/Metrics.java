package io.artstore.ingester.server.metrics;

import io.artstore.ingester.server.config.MetricsSettings;
import io.javalin.config.Key;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's meters, exposed at {@code GET /metrics} in Prometheus' text format (OpenMetrics on request), and the
 * recent operations behind {@code /api/v1/analytics/*}. Routes reach it through the request ({@link #of}).
 *
 * <p>Other parts of the server register what they already count with {@link #gauge} and {@link #counter}: a
 * queue's depth, a relay's deliveries. Labels must stay bounded: storage element ids, operations, error codes and
 * states, never file ids, subjects or paths.
 */
public final class Metrics implements AutoCloseable {

    /** Where the HTTP API keeps the metrics for its routes. */
    public static final Key<Metrics> KEY = new Key<>("artstore.metrics");

    /** Prometheus' metric and label names. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:.]*");
    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

    private final MeterRegistry registry;
    private final Optional<PrometheusMeterRegistry> prometheus;
    private final OperationHistory history;
    private final OperationMetrics operations;
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> binders = new ArrayList<>();
    /** What function counters and gauges read: Micrometer holds them weakly, a scrape would find them gone. */
    private final List<Object> retained = new CopyOnWriteArrayList<>();

    private Metrics(MeterRegistry registry, Optional<PrometheusMeterRegistry> prometheus, Clock clock) {
        this.registry = registry;
        this.prometheus = prometheus;
        this.history = new OperationHistory(clock, OperationHistory.DEFAULT_CAPACITY);
        this.operations = new OperationMetrics(registry, history);
    }

    /**
     * Meters in a Prometheus registry with the JVM's and the process's own, or, with {@code metrics.enabled} off,
     * meters that keep nothing (the analytics still see the recent operations).
     */
    public static Metrics create(MetricsSettings settings, Clock clock) {
        if (!settings.enabled()) {
            return new Metrics(new CompositeMeterRegistry(), Optional.empty(), clock);
        }
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics metrics = new Metrics(prometheus, Optional.of(prometheus), clock);
        metrics.bindJvm();
        return metrics;
    }

    /** Keeps nothing and serves nothing: for an API built without metrics. */
    public static Metrics none() {
        return new Metrics(new CompositeMeterRegistry(), Optional.empty(), Clock.systemUTC());
    }

    /** The metrics of the API that serves {@code ctx}. */
    public static Metrics of(Context ctx) {
        try {
            Metrics metrics = ctx.appData(KEY);
            return metrics == null ? NoMetrics.INSTANCE : metrics;
        } catch (RuntimeException e) {
            return NoMetrics.INSTANCE;
        }
    }

    private void bindJvm() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public boolean enabled() {
        return prometheus.isPresent();
    }

    /** For the server's own wiring (storage elements, sagas, Jetty); others use {@link #gauge} and {@link #counter}. */
    public MeterRegistry registry() {
        return registry;
    }

    public OperationMetrics operations() {
        return operations;
    }

    public OperationHistory history() {
        return history;
    }

    /**
     * A value read at each scrape, e.g. a queue's depth: {@code metrics.gauge("artstore_outbox_events", "Events in the
     * outbox not yet acknowledged", Map.of(), outbox::depth)}. The supplier must be quick and must not throw; it is
     * held for the life of the server.
     *
     * @param name in Prometheus' form with its unit as suffix ({@code _seconds}, {@code _bytes}), e.g.
     *     {@code artstore_outbox_oldest_age_seconds}
     * @param labels bounded values only (element ids, states), never file ids, subjects or paths
     */
    public void gauge(String name, String help, Map<String, String> labels, DoubleSupplier value) {
        checkName(name);
        Objects.requireNonNull(value, "value");
        Gauge.builder(name, () -> value.getAsDouble()).description(help).tags(tags(labels)).strongReference(true)
                .register(registry);
    }

    /**
     * A count kept elsewhere that only grows, read at each scrape, e.g. events a relay delivered since start.
     *
     * @param name in Prometheus' form, ending in {@code _total}
     */
    public void counter(String name, String help, Map<String, String> labels, DoubleSupplier count) {
        checkName(name);
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        Objects.requireNonNull(count, "count");
        // Micrometer adds the _total suffix itself.
        FunctionCounter.builder(name.substring(0, name.length() - "_total".length()), retain(count), DoubleSupplier::getAsDouble)
                .description(help).tags(tags(labels)).register(registry);
    }

    /** Keeps {@code object} for the life of the server, for a meter that reads it. */
    <T> T retain(T object) {
        retained.add(Objects.requireNonNull(object, "object"));
        return object;
    }

    /** Runs before each scrape, e.g. to bring gauges of a changing set (the storage elements) up to date. */
    public void beforeScrape(Runnable refresh) {
        beforeScrape.add(Objects.requireNonNull(refresh, "refresh"));
    }

    /** The text of a scrape in the format {@code accept} asks for, or empty when metrics are off. */
    public Optional<Scrape> scrape(String accept) {
        if (prometheus.isEmpty()) {
            return Optional.empty();
        }
        for (Runnable refresh : beforeScrape) {
            try {
                refresh.run();
            } catch (RuntimeException e) {
                LOG.warn("a metrics refresh failed; its meters keep their last values: {}", e.toString());
            }
        }
        String contentType = accept != null && accept.contains("application/openmetrics-text")
                ? Scrape.OPENMETRICS : Scrape.TEXT;
        return Optional.of(new Scrape(contentType, prometheus.get().scrape(contentType)));
    }

    /** One scrape's body and the content type it is written in. */
    public record Scrape(String contentType, String body) {
        public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
        public static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    }

    static List<Tag> tags(Map<String, String> labels) {
        List<Tag> tags = new ArrayList<>();
        labels.forEach((name, value) -> {
            checkName(name);
            tags.add(Tag.of(name, Objects.requireNonNull(value, "label value")));
        });
        return tags;
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Prometheus metric or label name: " + name);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                LOG.debug("closing a metrics binder failed: {}", e.toString());
            }
        }
        registry.close();
    }

    /** Where {@link #of} falls back to: an API built without metrics. */
    private static final class NoMetrics {
        static final Metrics INSTANCE = none();
    }
}
