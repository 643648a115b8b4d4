package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.saga.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivitySamplesTest {

    private static final Instant START = Instant.parse("2026-11-26T00:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private final ActivitySamples samples = new ActivitySamples(clock, Duration.ofSeconds(5), 4);

    @Test
    void closes_an_interval_with_its_throughput_and_latency_percentiles() {
        for (int i = 1; i <= 20; i++) {
            samples.uploaded(1024 * 1024, Duration.ofMillis(i * 10L));
        }
        assertThat(samples.samples()).as("the interval is still open").isEmpty();

        clock.advance(Duration.ofSeconds(5));

        List<ActivitySamples.Sample> closed = samples.samples();
        assertThat(closed).hasSize(1);
        ActivitySamples.Sample sample = closed.get(0);
        assertThat(sample.start()).isEqualTo(START);
        assertThat(sample.uploads()).isEqualTo(20);
        assertThat(sample.bytesPerSecond()).isEqualTo(4.0 * 1024 * 1024);
        assertThat(sample.percentileMillis(50)).isEqualTo(100);
        assertThat(sample.percentileMillis(95)).isEqualTo(190);
        assertThat(sample.maxMillis()).isEqualTo(200);
    }

    @Test
    void keeps_quiet_intervals_as_empty_samples_and_only_the_last_few() {
        samples.uploaded(500, Duration.ofMillis(3));
        clock.advance(Duration.ofMinutes(10));

        List<ActivitySamples.Sample> kept = samples.samples();

        assertThat(kept).hasSize(4);
        assertThat(kept).allSatisfy(sample -> assertThat(sample.uploads()).isZero());
        assertThat(kept.get(3).start()).isEqualTo(START.plus(Duration.ofMinutes(10)).minusSeconds(5));
        assertThat(kept.get(0).percentileMillis(50)).isEqualTo(-1);
    }

    @Test
    void the_json_has_nulls_for_the_latency_of_intervals_without_uploads() {
        samples.uploaded(2_000, Duration.ofMillis(7));
        clock.advance(Duration.ofSeconds(10));

        JsonNode json = samples.json();

        assertThat(json.path("interval_seconds").asDouble()).isEqualTo(5.0);
        assertThat(json.path("points")).hasSize(2);
        JsonNode busy = json.path("points").get(0);
        assertThat(busy.path("at").asText()).isEqualTo("2026-11-26T00:00:00Z");
        assertThat(busy.path("uploads").asInt()).isEqualTo(1);
        assertThat(busy.path("bytes").asLong()).isEqualTo(2_000);
        assertThat(busy.path("bytes_per_second").asLong()).isEqualTo(400);
        assertThat(busy.path("latency_p50_ms").asLong()).isEqualTo(7);
        JsonNode quiet = json.path("points").get(1);
        assertThat(quiet.path("uploads").asInt()).isZero();
        assertThat(quiet.path("latency_p95_ms").isNull()).isTrue();
    }

    @Test
    void keeps_a_bounded_number_of_latencies_per_interval() {
        for (int i = 0; i < ActivitySamples.MAX_LATENCIES_PER_SAMPLE + 100; i++) {
            samples.uploaded(1, Duration.ofMillis(1));
        }
        clock.advance(Duration.ofSeconds(5));

        ActivitySamples.Sample sample = samples.samples().get(0);
        assertThat(sample.uploads()).isEqualTo(ActivitySamples.MAX_LATENCIES_PER_SAMPLE + 100);
        assertThat(sample.latenciesMillis()).hasSize(ActivitySamples.MAX_LATENCIES_PER_SAMPLE);
    }
}
