package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * A bounded ring of recent upload throughput and latency, one sample per interval, for the status page's charts.
 *
 * <p>Fed with each upload request the HTTP layer answered with success (its body's bytes and how long it took);
 * memory is bounded by the number of samples kept and, within an interval, by a cap on the latencies kept for the
 * percentiles. Intervals without uploads are kept as samples with no uploads, so that the charts show the pause.
 */
public final class ActivitySamples {

    /** Latencies kept per interval for its percentiles; beyond it the percentiles come from the first ones. */
    static final int MAX_LATENCIES_PER_SAMPLE = 4096;

    /**
     * One finished interval.
     *
     * @param latenciesMillis sorted, at most {@link #MAX_LATENCIES_PER_SAMPLE}
     */
    public record Sample(Instant start, Duration interval, int uploads, long bytes, long maxMillis, long[] latenciesMillis) {

        public Sample {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(interval, "interval");
            latenciesMillis = latenciesMillis.clone();
        }

        public double bytesPerSecond() {
            return bytes * 1000.0 / interval.toMillis();
        }

        /** The latency below which {@code percent} of the kept ones fall (nearest rank); -1 without uploads. */
        public long percentileMillis(int percent) {
            if (latenciesMillis.length == 0) {
                return -1;
            }
            int rank = (int) Math.ceil(percent / 100.0 * latenciesMillis.length);
            return latenciesMillis[Math.max(0, Math.min(latenciesMillis.length, rank) - 1)];
        }
    }

    private final Clock clock;
    private final Duration interval;
    private final int capacity;
    private final Deque<Sample> ring = new ArrayDeque<>();
    private long currentIndex;
    private int uploads;
    private long bytes;
    private long maxMillis;
    private final List<Long> latencies = new ArrayList<>();

    /**
     * @param interval the length of one sample
     * @param capacity how many finished samples are kept
     */
    public ActivitySamples(Clock clock, Duration interval, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.toMillis() <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("interval and capacity must be positive: " + interval + ", " + capacity);
        }
        this.interval = interval;
        this.capacity = capacity;
        this.currentIndex = indexOf(clock.instant());
    }

    /** Five-second samples over the last ten minutes. */
    public static ActivitySamples standard(Clock clock) {
        return new ActivitySamples(clock, Duration.ofSeconds(5), 120);
    }

    public Duration interval() {
        return interval;
    }

    /** One upload request answered with success: the bytes of its body and how long it took. */
    public synchronized void uploaded(long bodyBytes, Duration took) {
        roll();
        uploads++;
        bytes += Math.max(0, bodyBytes);
        long millis = Math.max(0, took.toMillis());
        maxMillis = Math.max(maxMillis, millis);
        if (latencies.size() < MAX_LATENCIES_PER_SAMPLE) {
            latencies.add(millis);
        }
    }

    /** The finished samples, oldest first. */
    public synchronized List<Sample> samples() {
        roll();
        return List.copyOf(ring);
    }

    /**
     * The {@code samples} section of the status document: {@code interval_seconds}, and per finished interval its
     * start, uploads, bytes per second and latency percentiles in milliseconds ({@code null} without uploads).
     */
    public ObjectNode json() {
        ObjectNode json = Json.object();
        json.put("interval_seconds", interval.toMillis() / 1000.0);
        ArrayNode points = json.putArray("points");
        for (Sample sample : samples()) {
            ObjectNode point = points.addObject()
                    .put("at", sample.start().toString())
                    .put("uploads", sample.uploads())
                    .put("bytes", sample.bytes())
                    .put("bytes_per_second", Math.round(sample.bytesPerSecond()));
            putLatency(point, "latency_p50_ms", sample.percentileMillis(50));
            putLatency(point, "latency_p95_ms", sample.percentileMillis(95));
            putLatency(point, "latency_max_ms", sample.uploads() == 0 ? -1 : sample.maxMillis());
        }
        return json;
    }

    private static void putLatency(ObjectNode point, String name, long millis) {
        if (millis < 0) {
            point.putNull(name);
        } else {
            point.put(name, millis);
        }
    }

    /** Closes the current interval and the empty ones after it, up to now; at most {@code capacity} are kept. */
    private void roll() {
        long now = indexOf(clock.instant());
        if (now <= currentIndex) {
            return;
        }
        close(currentIndex, uploads, bytes, maxMillis, latencies.stream().mapToLong(Long::longValue).sorted().toArray());
        // After a long quiet time only the last `capacity` empty intervals matter.
        for (long index = Math.max(currentIndex + 1, now - capacity); index < now; index++) {
            close(index, 0, 0, 0, new long[0]);
        }
        currentIndex = now;
        uploads = 0;
        bytes = 0;
        maxMillis = 0;
        latencies.clear();
    }

    private void close(long index, int count, long total, long max, long[] sorted) {
        ring.addLast(new Sample(Instant.ofEpochMilli(index * interval.toMillis()), interval, count, total, max,
                Arrays.copyOf(sorted, sorted.length)));
        while (ring.size() > capacity) {
            ring.removeFirst();
        }
    }

    private long indexOf(Instant instant) {
        return Math.floorDiv(instant.toEpochMilli(), interval.toMillis());
    }
}
