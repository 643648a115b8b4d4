package io.artstore.ingester.redis.capacity;

import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.redis.RedisConnections;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who polls one storage element: a lock per element with a fencing token. Taking the lock ({@code SET NX PX}) draws
 * the next token from the element's counter in the same script, so a later leader always holds a larger token;
 * renewal and release compare the holder first (compare-and-expire, compare-and-delete), so an instance whose lock
 * expired cannot extend or free its successor's. Both keys carry the element id as hash tag, so that the script's two
 * keys share one Redis Cluster slot.
 */
public final class LeaderLock {

    /** Sets the lock if free, then stamps it with the next token; returns the holder value or nil. */
    private static final String ACQUIRE = """
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              local token = redis.call('INCR', KEYS[2])
              local value = ARGV[1] .. '|' .. token
              redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
              return value
            end
            return false
            """;
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """;
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final RedisConnections connections;
    private final String instanceId;
    private final Duration ttl;

    public LeaderLock(RedisConnections connections, String instanceId, Duration ttl) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        if (instanceId.isBlank() || instanceId.contains("|")) {
            throw new IllegalArgumentException("an instance id must be non-blank and hold no '|', got '" + instanceId + "'");
        }
    }

    /** A held lock: the value stored under the lock key and its fencing token. */
    public record Lease(StorageElementId element, String holder, long token) {}

    public static String lockKey(StorageElementId id) {
        return "capacity_monitor:leader_lock:{" + id.value() + "}";
    }

    public static String fencingKey(StorageElementId id) {
        return "capacity_monitor:fencing:{" + id.value() + "}";
    }

    /** Takes the lock when nobody holds it. */
    public Optional<Lease> tryAcquire(StorageElementId id) {
        Object value = connections.client().eval(ACQUIRE, List.of(lockKey(id), fencingKey(id)),
                List.of(instanceId, Long.toString(ttl.toMillis())));
        if (value instanceof String holder) {
            return Optional.of(new Lease(id, holder, Long.parseLong(holder.substring(holder.lastIndexOf('|') + 1))));
        }
        return Optional.empty();
    }

    /** Extends a held lock; false when it expired or another instance holds it now. */
    public boolean renew(Lease lease) {
        Object renewed = connections.client().eval(RENEW, List.of(lockKey(lease.element())),
                List.of(lease.holder(), Long.toString(ttl.toMillis())));
        return renewed instanceof Long count && count == 1;
    }

    /** Frees a held lock; never another instance's. */
    public boolean release(Lease lease) {
        Object released = connections.client().eval(RELEASE, List.of(lockKey(lease.element())), List.of(lease.holder()));
        return released instanceof Long count && count == 1;
    }
}
