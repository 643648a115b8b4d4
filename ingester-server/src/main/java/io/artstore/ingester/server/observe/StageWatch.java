package io.artstore.ingester.server.observe;

import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.core.port.out.SecurityAlerts;
import io.artstore.ingester.server.config.DetectionSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches how long each stage of the pipeline takes on each storage element and raises a {@code degradation} alert
 * when a stage drifts from its baseline (see {@link DetectionSettings} for the rule). Timings are gathered per
 * (stage, element) in windows; each closed window's p95 and throughput update an exponentially weighted moving
 * average, the baseline.
 */
public final class StageWatch {

    /** Beyond this many (stage, element) pairs new ones are not watched: element ids come from outside. */
    private static final int MAX_SERIES = 10_000;

    private final DetectionSettings settings;
    private final SecurityAlerts alerts;
    private final Clock clock;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    public StageWatch(DetectionSettings settings, SecurityAlerts alerts, Clock clock) {
        this.settings = settings;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** Watches nothing. */
    public static StageWatch off() {
        DetectionSettings d = DetectionSettings.DEFAULTS;
        return new StageWatch(new DetectionSettings(false, d.windowSamples(), d.windowTime(), d.minSamples(), d.warmupWindows(),
                d.ewmaAlpha(), d.latencyFactor(), d.throughputFactor(), d.minLatency(), d.sizeFactor(), d.sizeMinHistory()),
                SecurityAlerts.none(), Clock.systemUTC());
    }

    /**
     * One timing of a stage.
     *
     * @param busy the time the stage itself worked
     * @param bytes what it moved, 0 when it moves no bytes (its throughput is then not watched)
     */
    public void observe(String stage, Optional<String> element, Duration busy, long bytes) {
        if (!settings.enabled()) {
            return;
        }
        String key = stage + "\u0000" + element.orElse("");
        Series one = series.get(key);
        if (one == null) {
            if (series.size() >= MAX_SERIES) {
                return;
            }
            one = series.computeIfAbsent(key, k -> new Series(stage, element));
        }
        Optional<SecurityAlert> alert = one.add(busy.toNanos(), bytes, clock.instant());
        alert.ifPresent(alerts::raise);
    }

    /** Each watched stage's baseline, for status reports and tests: "stage@element" → p95 in ms and bytes/s. */
    public Map<String, List<Double>> baselines() {
        Map<String, List<Double>> result = new LinkedHashMap<>();
        series.values().forEach(one -> result.put(one.stage + "@" + one.element.orElse("-"), one.baseline()));
        return result;
    }

    private final class Series {
        private final String stage;
        private final Optional<String> element;
        private final long[] nanos = new long[settings.windowSamples()];
        private int count;
        private long bytes;
        private long busy;
        private Instant windowStart;
        private int windows;
        private double baselineP95 = Double.NaN;
        private double baselineThroughput = Double.NaN;

        Series(String stage, Optional<String> element) {
            this.stage = stage;
            this.element = element;
        }

        synchronized List<Double> baseline() {
            return List.of(baselineP95 / 1e6, baselineThroughput);
        }

        synchronized Optional<SecurityAlert> add(long busyNanos, long movedBytes, Instant now) {
            if (count == 0) {
                windowStart = now;
            }
            nanos[count++] = busyNanos;
            busy += busyNanos;
            bytes += movedBytes;
            boolean full = count == nanos.length;
            boolean late = count >= settings.minSamples() && !now.isBefore(windowStart.plus(settings.windowTime()));
            if (!full && !late) {
                return Optional.empty();
            }
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            double p95 = sorted[(int) Math.ceil(0.95 * count) - 1];
            double throughput = bytes > 0 && busy > 0 ? bytes / (busy / 1e9) : Double.NaN;
            int samples = count;
            count = 0;
            bytes = 0;
            busy = 0;
            Optional<SecurityAlert> alert = windows >= settings.warmupWindows()
                    ? judge(p95, throughput, samples, now) : Optional.empty();
            double alpha = settings.ewmaAlpha();
            baselineP95 = windows == 0 ? p95 : alpha * p95 + (1 - alpha) * baselineP95;
            if (!Double.isNaN(throughput)) {
                baselineThroughput = Double.isNaN(baselineThroughput) ? throughput
                        : alpha * throughput + (1 - alpha) * baselineThroughput;
            }
            windows++;
            return alert;
        }

        private Optional<SecurityAlert> judge(double p95, double throughput, int samples, Instant now) {
            if (p95 < settings.minLatency().toNanos()) {
                return Optional.empty();
            }
            String where = "stage " + stage + element.map(id -> " on storage element " + id).orElse("");
            if (p95 > settings.latencyFactor() * baselineP95) {
                return Optional.of(alert(now, where + " is slower than its baseline: p95 " + ms(p95) + " over the last "
                        + samples + " timings against " + ms(baselineP95) + " (more than " + settings.latencyFactor()
                        + " times)", p95, throughput));
            }
            if (!Double.isNaN(throughput) && !Double.isNaN(baselineThroughput)
                    && throughput * settings.throughputFactor() < baselineThroughput) {
                return Optional.of(alert(now, where + " moves fewer bytes than its baseline: " + mbps(throughput)
                        + " over the last " + samples + " timings against " + mbps(baselineThroughput) + " (less than 1/"
                        + settings.throughputFactor() + ")", p95, throughput));
            }
            return Optional.empty();
        }

        private SecurityAlert alert(Instant now, String detail, double p95, double throughput) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("stage", stage);
            element.ifPresent(id -> labels.put("storage_element", id));
            labels.put("p95_ms", String.format(Locale.ROOT, "%.1f", p95 / 1e6));
            labels.put("baseline_p95_ms", String.format(Locale.ROOT, "%.1f", baselineP95 / 1e6));
            if (!Double.isNaN(throughput)) {
                labels.put("bytes_per_second", String.format(Locale.ROOT, "%.0f", throughput));
            }
            if (!Double.isNaN(baselineThroughput)) {
                labels.put("baseline_bytes_per_second", String.format(Locale.ROOT, "%.0f", baselineThroughput));
            }
            return new SecurityAlert(now, SecurityAlert.Kind.DEGRADATION, AuditRecord.SYSTEM, Optional.empty(),
                    Optional.empty(), detail, labels);
        }
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static String mbps(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.2f MB/s", bytesPerSecond / 1e6);
    }
}
