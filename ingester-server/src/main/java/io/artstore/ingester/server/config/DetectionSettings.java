package io.artstore.ingester.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When the detectors of slow stages and unusual uploads raise an alert.
 *
 * <p>Degradation: each pipeline stage and storage element call is timed per element; its timings are gathered in
 * windows of {@code windowSamples} (or what arrived within {@code windowTime}, when at least {@code minSamples} did);
 * each window's p95 and throughput update a baseline (an exponentially weighted moving average with weight
 * {@code ewmaAlpha}). After {@code warmupWindows} windows, a window whose p95 exceeds {@code latencyFactor} times the
 * baseline's (and {@code minLatency}), or whose throughput falls below the baseline's divided by
 * {@code throughputFactor}, raises a {@code degradation} alert naming the stage and the element.
 *
 * <p>Upload sizes: a subject's typical size is a moving average of the logarithm of its upload sizes; once
 * {@code sizeMinHistory} uploads are known, one more than {@code sizeFactor} times larger or smaller raises an
 * {@code unusual_upload_size} alert.
 */
public record DetectionSettings(boolean enabled, int windowSamples, Duration windowTime, int minSamples, int warmupWindows,
        double ewmaAlpha, double latencyFactor, double throughputFactor, Duration minLatency, double sizeFactor,
        int sizeMinHistory) {

    public static final DetectionSettings DEFAULTS = new DetectionSettings(true, 50, Duration.ofMinutes(1), 5, 3, 0.3, 3.0,
            3.0, Duration.ofMillis(20), 100.0, 20);

    public DetectionSettings {
        Objects.requireNonNull(windowTime, "windowTime");
        Objects.requireNonNull(minLatency, "minLatency");
        if (windowSamples < 1 || minSamples < 1 || minSamples > windowSamples || warmupWindows < 1) {
            throw new IllegalArgumentException("a window needs 1 or more samples, at least min_samples, and a warm-up of 1 or"
                    + " more windows");
        }
        if (!(ewmaAlpha > 0 && ewmaAlpha <= 1)) {
            throw new IllegalArgumentException("the EWMA weight must be above 0 and at most 1");
        }
        if (!(latencyFactor > 1) || !(throughputFactor > 1) || !(sizeFactor > 1)) {
            throw new IllegalArgumentException("the drift factors must be above 1");
        }
        if (sizeMinHistory < 1 || windowTime.isNegative() || windowTime.isZero() || minLatency.isNegative()) {
            throw new IllegalArgumentException("the size history needs 1 or more uploads and the window a positive time");
        }
    }
}
