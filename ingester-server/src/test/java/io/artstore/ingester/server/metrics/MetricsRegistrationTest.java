package io.artstore.ingester.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.server.config.MetricsSettings;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The registration point other parts of the server use for what they count: a queue's depth, a relay's deliveries. */
class MetricsRegistrationTest {

    private final Metrics metrics = Metrics.create(MetricsSettings.DEFAULTS, Clock.systemUTC());

    private PrometheusText scrape() {
        return PrometheusText.parse(metrics.scrape(null).orElseThrow().body());
    }

    @Test
    void a_registered_gauge_and_counter_are_read_at_each_scrape_and_outlive_a_collection() {
        AtomicLong depth = new AtomicLong(3);
        AtomicLong sent = new AtomicLong(5);
        // Lambdas that nothing else holds: the registry must keep them.
        metrics.gauge("artstore_outbox_events", "Events waiting in the outbox", Map.of("topic", "file-events"),
                () -> depth.get());
        metrics.counter("artstore_outbox_sent_total", "Events sent since start", Map.of(), () -> sent.get());
        System.gc();
        depth.set(7);
        sent.set(9);

        PrometheusText text = scrape();

        assertThat(text.family("artstore_outbox_events").orElseThrow().type()).isEqualTo("gauge");
        assertThat(text.sum("artstore_outbox_events", Map.of("topic", "file-events"))).isEqualTo(7);
        assertThat(text.family("artstore_outbox_sent_total").orElseThrow().type()).isEqualTo("counter");
        assertThat(text.sum("artstore_outbox_sent_total", Map.of())).isEqualTo(9);
        assertThat(text.family("artstore_outbox_events").orElseThrow().help()).isEqualTo("Events waiting in the outbox");
    }

    @Test
    void names_and_labels_outside_prometheus_rules_are_refused() {
        assertThatThrownBy(() -> metrics.gauge("9lives", "", Map.of(), () -> 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.gauge("ok_name", "", Map.of("bad-label", "x"), () -> 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.counter("artstore_sent", "", Map.of(), () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("_total");
    }

    @Test
    void refreshes_run_before_each_scrape_and_a_failing_one_does_not_stop_it() {
        AtomicLong runs = new AtomicLong();
        metrics.beforeScrape(() -> {
            throw new IllegalStateException("element gone");
        });
        metrics.beforeScrape(runs::incrementAndGet);

        scrape();
        scrape();

        assertThat(runs).hasValue(2);
    }

    @Test
    void metrics_off_serve_nothing() {
        Metrics off = Metrics.create(new MetricsSettings(false, false), Clock.systemUTC());
        off.gauge("artstore_outbox_events", "", Map.of(), () -> 1);
        assertThat(off.scrape(null)).isEmpty();
    }

    @Test
    void uploads_fall_in_size_classes_at_the_mebibyte_edges() {
        long mib = 1024L * 1024;
        assertThat(OperationMetrics.sizeClass(1)).isEqualTo("under_1MiB");
        assertThat(OperationMetrics.sizeClass(mib - 1)).isEqualTo("under_1MiB");
        assertThat(OperationMetrics.sizeClass(mib)).isEqualTo("1MiB_10MiB");
        assertThat(OperationMetrics.sizeClass(10 * mib)).isEqualTo("10MiB_100MiB");
        assertThat(OperationMetrics.sizeClass(100 * mib)).isEqualTo("100MiB_1GiB");
        assertThat(OperationMetrics.sizeClass(1024 * mib - 1)).isEqualTo("100MiB_1GiB");
        assertThat(OperationMetrics.sizeClass(1024 * mib)).isEqualTo("over_1GiB");
    }

    @Test
    void percentiles_are_nearest_rank() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(AnalyticsRoutes.rank(sorted, 0.5)).isEqualTo(5);
        assertThat(AnalyticsRoutes.rank(sorted, 0.95)).isEqualTo(10);
        assertThat(AnalyticsRoutes.rank(sorted, 0.1)).isEqualTo(1);
        assertThat(AnalyticsRoutes.rank(new double[0], 0.5)).isZero();
    }
}
