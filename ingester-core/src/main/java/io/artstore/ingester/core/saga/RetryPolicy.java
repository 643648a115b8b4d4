package io.artstore.ingester.core.saga;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a saga tries again before it gives up on a direction.
 *
 * @param stepAttempts failed attempts of a compensable step after which the saga is compensated (a
 *     permanent failure turns it back at once); the pivot and the retriable steps are retried without limit
 * @param compensationAttempts failed attempts of a compensation after which the saga is parked for an operator
 * @param backoff the wait between attempts
 */
public record RetryPolicy(int stepAttempts, int compensationAttempts, Backoff backoff) {

    /** Three tries per compensable step, ten per compensation, from 200 ms doubling up to 30 s, half jitter. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, 10,
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), 2.0, 0.5));

    public RetryPolicy {
        Objects.requireNonNull(backoff, "backoff");
        if (stepAttempts < 1 || compensationAttempts < 1) {
            throw new IllegalArgumentException("a retry policy allows at least one attempt, got " + stepAttempts
                    + " step attempts and " + compensationAttempts + " compensation attempts");
        }
    }
}
