package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CapacityReservations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Capacity reservations in Redis, shared by every instance, so that two instances never promise the same free
 * space twice. One key per element, {@code artstore:ingester:{reservations:<element id>}} (a hash tag of its own,
 * so elements spread over a Cluster): a hash from reservation id to {@code "reserved written expires_ms"}.
 *
 * <p>Every operation is one script that first drops expired reservations and then sums what is outstanding, so
 * check and reserve are one step across instances. A reservation expires {@code ttl} after it was made or last
 * reported progress ({@link Reservation#written}, {@link Reservation#tryExtend}): the upload of an instance that
 * died stops holding space then. The key itself expires {@code ttl} after its last write. Reservations are not
 * waited on by replicas: after a failover some may be missing until the uploads holding them report progress
 * again, which is the same over-promise a restarted embedded instance makes.
 */
public final class RedisCapacityReservations implements CapacityReservations {

    /** Uploads report progress at least every 4 MiB; a reservation silent this long belongs to a dead upload. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

    private static final System.Logger LOG = System.getLogger(RedisCapacityReservations.class.getName());

    private static final String PRUNE_AND_SUM = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local outstanding = 0
            local all = redis.call('HGETALL', KEYS[1])
            for i = 1, #all, 2 do
              local reserved, written, expires = string.match(all[i + 1], '(%d+) (%d+) (%d+)')
              if tonumber(expires) <= now then
                redis.call('HDEL', KEYS[1], all[i])
              elseif all[i] ~= ARGV[1] then
                outstanding = outstanding + math.max(0, tonumber(reserved) - tonumber(written))
              end
            end
            """;

    /**
     * KEYS: element. ARGV: reservation id, op (reserve | extend | written | release | sum), bytes, reported
     * available, ttl ms. Returns 1 / 0 for reserve, extend and written, the outstanding sum for sum.
     */
    private static final String SCRIPT = PRUNE_AND_SUM + """
            local ttl = tonumber(ARGV[5])
            local mine = redis.call('HGET', KEYS[1], ARGV[1])
            local op = ARGV[2]
            if op == 'sum' then
              if mine then
                local reserved, written = string.match(mine, '(%d+) (%d+)')
                outstanding = outstanding + math.max(0, tonumber(reserved) - tonumber(written))
              end
              return outstanding
            end
            if op == 'release' then
              redis.call('HDEL', KEYS[1], ARGV[1])
              return 1
            end
            local bytes = tonumber(ARGV[3])
            local available = tonumber(ARGV[4])
            if op == 'reserve' then
              if available - outstanding < bytes then return 0 end
              redis.call('HSET', KEYS[1], ARGV[1], string.format('%d 0 %d', bytes, now + ttl))
            else
              if not mine then return 0 end
              local reserved, written = string.match(mine, '(%d+) (%d+)')
              reserved, written = tonumber(reserved), tonumber(written)
              if op == 'extend' then
                local before = math.max(0, reserved - written)
                local after = math.max(0, reserved + bytes - written)
                if available - outstanding - before < after - before then return 0 end
                reserved = reserved + bytes
              elseif bytes > written then
                written = bytes
              end
              redis.call('HSET', KEYS[1], ARGV[1], string.format('%d %d %d', reserved, written, now + ttl))
            end
            redis.call('PEXPIRE', KEYS[1], ttl)
            return 1
            """;

    private final RedisState state;
    private final Duration ttl;

    public RedisCapacityReservations(RedisState state) {
        this(state, DEFAULT_TTL);
    }

    public RedisCapacityReservations(RedisState state, Duration ttl) {
        this.state = Objects.requireNonNull(state, "state");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a reservation's time to live must be positive, got " + ttl);
        }
    }

    @Override
    public Optional<Reservation> tryReserve(StorageElementId element, long bytes, long reportedAvailableBytes) {
        Objects.requireNonNull(element, "element");
        requireNotNegative(bytes);
        String id = UUID.randomUUID().toString();
        return run(element, id, "reserve", bytes, reportedAvailableBytes) == 1
                ? Optional.of(new Held(element, id, bytes))
                : Optional.empty();
    }

    @Override
    public long outstandingBytes(StorageElementId element) {
        return run(element, "", "sum", 0, 0);
    }

    private long run(StorageElementId element, String id, String op, long bytes, long available) {
        Object result = state.eval(SCRIPT, List.of(key(element)),
                List.of(id, op, Long.toString(bytes), Long.toString(available), Long.toString(ttl.toMillis())));
        return (Long) result;
    }

    private static String key(StorageElementId element) {
        return RedisState.NAMESPACE + "{reservations:" + element.value() + "}";
    }

    private static void requireNotNegative(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes to reserve must not be negative, got " + bytes);
        }
    }

    /** One reservation; this object's view of its size and whether it is closed is guarded by its monitor. */
    private final class Held implements Reservation {
        private final StorageElementId element;
        private final String id;
        private long reserved;
        private long written;
        private boolean closed;

        Held(StorageElementId element, String id, long reserved) {
            this.element = element;
            this.id = id;
            this.reserved = reserved;
        }

        @Override
        public StorageElementId element() {
            return element;
        }

        @Override
        public synchronized long reservedBytes() {
            return reserved;
        }

        @Override
        public synchronized void written(long totalWritten) {
            requireNotNegative(totalWritten);
            if (closed || totalWritten <= written) {
                return;
            }
            try {
                run(element, id, "written", totalWritten, 0);
            } catch (RuntimeException e) {
                // Progress is advice: the upload goes on, and the reservation lapses by itself if Redis stays away.
                LOG.log(System.Logger.Level.WARNING, "could not record progress of a reservation on {0}: {1}", element,
                        e.getMessage());
            }
            written = totalWritten;
        }

        @Override
        public synchronized boolean tryExtend(long moreBytes, long reportedAvailableBytes) {
            requireNotNegative(moreBytes);
            if (closed || run(element, id, "extend", moreBytes, reportedAvailableBytes) != 1) {
                return false;
            }
            reserved += moreBytes;
            return true;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                try {
                    run(element, id, "release", 0, 0);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not release a reservation on {0}; it lapses within {1}: {2}",
                            element, ttl, e.getMessage());
                }
            }
        }
    }
}
