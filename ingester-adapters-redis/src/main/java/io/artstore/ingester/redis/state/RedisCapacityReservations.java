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
 * space twice. Three keys per element, in a hash tag of its own ({@code {reservations:<element id>}}, so elements
 * spread over a Cluster): {@code artstore:ingester:{reservations:<element id>}:held}, a hash from reservation id to
 * {@code "reserved written"}; {@code …:expiry}, a sorted set of the reservation ids by expiry time; and
 * {@code …:outstanding}, the sum of what is reserved and not yet written.
 *
 * <p>Every operation is one script that first drops expired reservations, then checks and updates the sum, so
 * check and reserve are one step across instances. A reservation expires {@code ttl} after it was made or last
 * reported progress ({@link Reservation#written}, {@link Reservation#tryExtend}): the upload of an instance that
 * died stops holding space then. The keys themselves expire {@code ttl} after their last write. Reservations are not
 * waited on by replicas: after a failover some may be missing until the uploads holding them report progress
 * again, which is the same over-promise a restarted embedded instance makes.
 */
public final class RedisCapacityReservations implements CapacityReservations {

    /** Uploads report progress at least every 4 MiB; a reservation silent this long belongs to a dead upload. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

    private static final System.Logger LOG = System.getLogger(RedisCapacityReservations.class.getName());

    /**
     * KEYS: held (hash id → "reserved written"), expiry (sorted set id → expiry ms), outstanding (the sum). ARGV:
     * reservation id, op (reserve | extend | written | release | sum), bytes, reported available, ttl ms. Returns
     * 1 / 0 for reserve, extend and written, the outstanding sum for sum. Expired reservations are dropped first,
     * at most 100 a call, so every call costs the same however many uploads are in flight.
     */
    private static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local outstanding = tonumber(redis.call('GET', KEYS[3]) or '0')
            local function share(entry)
              local reserved, written = string.match(entry, '(%d+) (%d+)')
              return math.max(0, tonumber(reserved) - tonumber(written)), tonumber(reserved), tonumber(written)
            end
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)) do
              local entry = redis.call('HGET', KEYS[1], id)
              if entry then outstanding = outstanding - share(entry) end
              redis.call('HDEL', KEYS[1], id)
              redis.call('ZREM', KEYS[2], id)
            end
            local op = ARGV[2]
            local ttl = tonumber(ARGV[5])
            local bytes = tonumber(ARGV[3])
            local available = tonumber(ARGV[4])
            local result = 1
            local mine = redis.call('HGET', KEYS[1], ARGV[1])
            if op == 'sum' then
              result = outstanding
            elseif op == 'release' then
              if mine then
                outstanding = outstanding - share(mine)
                redis.call('HDEL', KEYS[1], ARGV[1])
                redis.call('ZREM', KEYS[2], ARGV[1])
              end
            elseif op == 'reserve' then
              if available - outstanding < bytes then
                result = 0
              else
                redis.call('HSET', KEYS[1], ARGV[1], string.format('%d 0', bytes))
                redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
                outstanding = outstanding + bytes
              end
            elseif not mine then
              result = 0
            else
              local before, reserved, written = share(mine)
              if op == 'extend' then
                local after = math.max(0, reserved + bytes - written)
                if available - outstanding < after - before then
                  result = 0
                else
                  reserved = reserved + bytes
                end
              elseif bytes > written then
                written = bytes
              end
              if result == 1 then
                outstanding = outstanding - before + math.max(0, reserved - written)
                redis.call('HSET', KEYS[1], ARGV[1], string.format('%d %d', reserved, written))
                redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
              end
            end
            if outstanding < 0 then outstanding = 0 end
            redis.call('SET', KEYS[3], string.format('%d', outstanding), 'PX', ttl)
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('PEXPIRE', KEYS[2], ttl)
            return result
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
        String key = RedisState.NAMESPACE + "{reservations:" + element.value() + "}:";
        Object result = state.eval(SCRIPT, List.of(key + "held", key + "expiry", key + "outstanding"),
                List.of(id, op, Long.toString(bytes), Long.toString(available), Long.toString(ttl.toMillis())));
        return (Long) result;
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
