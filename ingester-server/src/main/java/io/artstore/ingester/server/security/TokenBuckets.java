package io.artstore.ingester.server.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per key (an address or a subject): it holds up to a minute's worth of requests and refills
 * continuously, so a client may burst to its per-minute rate and then goes at the rate itself. Buckets of keys
 * idle for longer than a refill are dropped, so the map does not grow with every address ever seen.
 */
public final class TokenBuckets {

    private static final long NANOS_PER_MINUTE = Duration.ofMinutes(1).toNanos();
    private static final int SWEEP_EVERY = 4096;

    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private int sinceSweep;

    public TokenBuckets(Clock clock) {
        this.clock = clock;
    }

    /** @return zero when the request may go, else how long until one token is back */
    public Duration take(String key, int perMinute) {
        long now = nanos();
        maybeSweep(now);
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(perMinute, now));
        synchronized (bucket) {
            bucket.refill(perMinute, now);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Duration.ZERO;
            }
            double missing = 1 - bucket.tokens;
            return Duration.ofNanos((long) Math.ceil(missing * NANOS_PER_MINUTE / perMinute));
        }
    }

    private long nanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void maybeSweep(long now) {
        if (++sinceSweep < SWEEP_EVERY) {
            return;
        }
        sinceSweep = 0;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket bucket = it.next();
            synchronized (bucket) {
                if (now - bucket.updated > NANOS_PER_MINUTE) {
                    it.remove();
                }
            }
        }
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(int perMinute, long now) {
            this.tokens = perMinute;
            this.updated = now;
        }

        void refill(int perMinute, long now) {
            long elapsed = Math.max(0, now - updated);
            tokens = Math.min(perMinute, tokens + (double) elapsed * perMinute / NANOS_PER_MINUTE);
            updated = now;
        }
    }
}
