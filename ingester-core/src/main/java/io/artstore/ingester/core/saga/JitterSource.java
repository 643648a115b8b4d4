package io.artstore.ingester.core.saga;

import java.util.SplittableRandom;

/**
 * Picks the jitter of a retry's backoff. The engine asks again each time it looks at a saga, so a source
 * must give the same value for the same retry; the default one derives it from the saga, step and retry.
 */
@FunctionalInterface
public interface JitterSource {

    /** A value in [0, 1). */
    double random(SagaId sagaId, int step, int retry);

    /** Spread by saga, the same for every instance and every call. */
    static JitterSource hashed() {
        return (sagaId, step, retry) -> new SplittableRandom(
                (long) sagaId.value().hashCode() * 1_000_003L + step * 10_007L + retry).nextDouble();
    }

    /** Always the same value; for tests. */
    static JitterSource fixed(double random) {
        if (!(random >= 0.0 && random < 1.0)) {
            throw new IllegalArgumentException("random must be in [0, 1), got " + random);
        }
        return (sagaId, step, retry) -> random;
    }
}
