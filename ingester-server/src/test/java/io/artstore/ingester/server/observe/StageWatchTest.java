package io.artstore.ingester.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.server.config.DetectionSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class StageWatchTest {

    private static final DetectionSettings SETTINGS = new DetectionSettings(true, 10, Duration.ofMinutes(1), 5, 3, 0.5, 3.0,
            3.0, Duration.ofMillis(5), 100.0, 20);

    private final List<SecurityAlert> raised = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-07T08:00:00Z"), ZoneOffset.UTC);

    @Test
    void a_stage_three_times_slower_than_its_baseline_raises_one_alert_per_window_naming_stage_and_element() {
        StageWatch watch = new StageWatch(SETTINGS, raised::add, clock);
        feed(watch, "store", "se-a", 40, 10);
        feed(watch, "store", "se-b", 40, 10);
        assertThat(raised).as("steady timings raise nothing").isEmpty();

        feed(watch, "store", "se-a", 9, 200);
        assertThat(raised).as("the window is not closed yet").isEmpty();
        feed(watch, "store", "se-a", 1, 200);
        feed(watch, "store", "se-b", 10, 10);

        assertThat(raised).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo(SecurityAlert.Kind.DEGRADATION);
            assertThat(alert.kind().security()).isFalse();
            assertThat(alert.labels()).containsEntry("stage", "store").containsEntry("storage_element", "se-a")
                    .containsEntry("p95_ms", "200.0").containsEntry("baseline_p95_ms", "10.0");
            assertThat(alert.detail()).contains("store", "se-a", "200.0 ms", "10.0 ms");
        });
    }

    @Test
    void no_alert_during_the_warm_up_below_the_minimum_latency_or_within_the_factor() {
        StageWatch watch = new StageWatch(SETTINGS, raised::add, clock);
        feed(watch, "digest", "", 10, 10);
        feed(watch, "digest", "", 10, 100);
        feed(watch, "receive", "", 30, 1);
        feed(watch, "receive", "", 10, 4);
        feed(watch, "catalogue", "", 30, 10);
        feed(watch, "catalogue", "", 10, 29);
        assertThat(raised).isEmpty();
    }

    @Test
    void a_throughput_fallen_below_the_baseline_by_the_factor_raises_an_alert() {
        StageWatch watch = new StageWatch(SETTINGS, raised::add, clock);
        for (int i = 0; i < 30; i++) {
            watch.observe("compress", Optional.empty(), Duration.ofMillis(10), 10_000_000);
        }
        for (int i = 0; i < 10; i++) {
            watch.observe("compress", Optional.empty(), Duration.ofMillis(20), 1_000_000);
        }
        assertThat(raised).singleElement().satisfies(alert -> {
            assertThat(alert.labels()).containsEntry("stage", "compress").doesNotContainKey("storage_element");
            assertThat(alert.detail()).contains("fewer bytes");
        });
    }

    @Test
    void a_window_closes_after_its_time_with_enough_timings() {
        Instant[] now = {Instant.parse("2026-12-07T08:00:00Z")};
        Clock moving = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        StageWatch watch = new StageWatch(SETTINGS, raised::add, moving);
        feed(watch, "store", "se-a", 30, 10);
        for (int i = 0; i < 4; i++) {
            watch.observe("store", Optional.of("se-a"), Duration.ofMillis(100), 0);
            now[0] = now[0].plusSeconds(15);
        }
        assertThat(raised).as("four timings are too few to close a window").isEmpty();
        watch.observe("store", Optional.of("se-a"), Duration.ofMillis(100), 0);
        assertThat(raised).as("the fifth, a minute after the first, closes it").hasSize(1);
    }

    private static void feed(StageWatch watch, String stage, String element, int count, long millis) {
        for (int i = 0; i < count; i++) {
            watch.observe(stage, element.isEmpty() ? Optional.empty() : Optional.of(element), Duration.ofMillis(millis), 0);
        }
    }
}
