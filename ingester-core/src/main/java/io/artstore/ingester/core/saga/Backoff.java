package io.artstore.ingester.core.saga;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with jitter: the n-th retry waits {@code initial × multiplier^(n-1)}, at most
 * {@code max}, less a random share of up to {@code jitter} of it, so that sagas failing together do not
 * retry together.
 *
 * @param jitter the largest share of the delay taken off at random, from 0 (none) to 1
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("backoff multiplier must be 1 or more, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("backoff jitter must be between 0 and 1, got " + jitter);
        }
    }

    /**
     * The wait before retry number {@code retry}.
     *
     * @param retry 1 for the first retry
     * @param random a value in [0, 1) that picks the jitter
     */
    public Duration delay(int retry, double random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be 1 or more, got " + retry);
        }
        if (!(random >= 0.0 && random < 1.0)) {
            throw new IllegalArgumentException("random must be in [0, 1), got " + random);
        }
        double full = Math.min((double) max.toNanos(), initial.toNanos() * Math.pow(multiplier, retry - 1.0));
        return Duration.ofNanos(Math.round(full * (1.0 - jitter * random)));
    }
}
