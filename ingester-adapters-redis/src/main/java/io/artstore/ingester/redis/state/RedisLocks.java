package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.Locks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-file operation locks in Redis, shared by every instance. Keys (hash tag {@code {locks}}, one Cluster slot):
 * <ul>
 *   <li>{@code artstore:ingester:{locks}:lock:<file id>} — hash {@code operation}, {@code owner}, {@code token},
 *       {@code instance}: the current grant; deleted on release;
 *   <li>{@code artstore:ingester:{locks}:held} — set of the locked file ids;
 *   <li>{@code artstore:ingester:{locks}:fencing} — the fencing-token counter, never reset.
 * </ul>
 * Grant and release are scripts (check and write in one step); release compares the fencing token, so a stale
 * grant releases nothing. Writes are durable in the sense of {@link RedisState}: a grant lost at a failover would
 * let two operations interleave.
 *
 * <p>{@link #held} lists the locks granted by this instance and by instances whose lease has expired, not those
 * of live instances: recovery releases the locks it finds orphaned, and a live instance's lock taken between its
 * grant and the record of its operation is not orphaned.
 */
public final class RedisLocks implements Locks {

    private static final String PREFIX = RedisState.NAMESPACE + "{locks}:";

    /** KEYS: lock, held, fencing. ARGV: operation, owner, file id, instance. Returns {operation, owner, token}. */
    private static final String LOCK = """
            local current = redis.call('HMGET', KEYS[1], 'operation', 'owner', 'token')
            if current[3] then
              if current[1] == ARGV[1] and current[2] == ARGV[2] then return current end
              return false
            end
            local token = redis.call('INCR', KEYS[3])
            redis.call('HSET', KEYS[1], 'operation', ARGV[1], 'owner', ARGV[2], 'token', token, 'instance', ARGV[4])
            redis.call('SADD', KEYS[2], ARGV[3])
            return {ARGV[1], ARGV[2], tostring(token)}
            """;

    /** KEYS: lock, held. ARGV: token, file id. */
    private static final String RELEASE = """
            if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[2])
            return 1
            """;

    private final RedisState state;

    public RedisLocks(RedisState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public Optional<Lock> tryLock(FileId fileId, Operation operation, String owner) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(owner, "owner");
        Object granted = state.evalDurably(LOCK, List.of(lockKey(fileId), PREFIX + "held", PREFIX + "fencing"),
                List.of(operation.name(), owner, fileId.toString(), state.instanceId()));
        if (!(granted instanceof List<?> fields)) {
            return Optional.empty();
        }
        return Optional.of(new Lock(fileId, operation, owner, Long.parseLong((String) fields.get(2))));
    }

    @Override
    public boolean release(Lock lock) {
        Object released = state.evalDurably(RELEASE, List.of(lockKey(lock.fileId()), PREFIX + "held"),
                List.of(Long.toString(lock.fencingToken()), lock.fileId().toString()));
        return Long.valueOf(1).equals(released);
    }

    @Override
    public Optional<Lock> holder(FileId fileId) {
        return read(fileId).map(Grant::lock);
    }

    @Override
    public List<Lock> held() {
        List<Lock> held = new ArrayList<>();
        for (String id : state.call(() -> state.redis().smembers(PREFIX + "held"))) {
            Optional<Grant> grant = read(FileId.parse(id));
            if (grant.isPresent() && (grant.get().instance().equals(state.instanceId())
                    || !state.call(() -> state.redis().exists(state.leaseKey(grant.get().instance()))))) {
                held.add(grant.get().lock());
            }
        }
        return held;
    }

    private Optional<Grant> read(FileId fileId) {
        Map<String, String> fields = state.call(() -> state.redis().hgetAll(lockKey(fileId)));
        if (fields.get("token") == null) {
            return Optional.empty();
        }
        return Optional.of(new Grant(new Lock(fileId, Operation.valueOf(fields.get("operation")), fields.get("owner"),
                Long.parseLong(fields.get("token"))), fields.getOrDefault("instance", "")));
    }

    private record Grant(Lock lock, String instance) {
    }

    private static String lockKey(FileId fileId) {
        return PREFIX + "lock:" + fileId;
    }
}
