package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.redis.RedisConnections;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What every Redis state store shares: the client, the key namespace, the instance it acts for and how a write
 * is made durable.
 *
 * <p>Redis replicates asynchronously, so a write the master acknowledged can vanish when a replica is promoted. A
 * durable write is therefore sent in one pipeline with {@code WAIT replicas timeout} on the same connection (the
 * only one {@code WAIT} counts for), and fails with {@code state_not_replicated} when fewer replicas confirmed it
 * in time. {@code replicas = 0} (a standalone Redis) skips the wait.
 *
 * <p>The client may be a standalone, Sentinel or Cluster one: every multi-key script names keys of one hash tag
 * only, so that it runs on one Cluster slot.
 */
public final class RedisState {

    /** Where every key of the ingester lives. */
    public static final String NAMESPACE = "artstore:ingester:";

    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Supplier<UnifiedJedis> redis;
    private final Settings settings;

    /**
     * @param instanceId this instance, as its lease key and the owner of its transactions name it
     * @param replicas how many replicas must acknowledge a durable write; 0 for a standalone Redis
     * @param replicaTimeout how long a durable write waits for them
     * @param retention how long ended sagas and transactions are kept for operators before they expire
     * @param instanceLease how long an instance's lease lasts without renewal; its transactions are taken over after
     */
    public record Settings(String instanceId, int replicas, Duration replicaTimeout, Duration retention, Duration instanceLease) {
        public Settings {
            Objects.requireNonNull(instanceId, "instanceId");
            if (!INSTANCE_ID.matcher(instanceId).matches()) {
                throw new IllegalArgumentException("an instance id is 1 to 64 letters, digits, '.', '_' or '-', got '"
                        + instanceId + "'");
            }
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas to wait for must not be negative, got " + replicas);
            }
            requirePositive(replicaTimeout, "replicaTimeout");
            requirePositive(retention, "retention");
            requirePositive(instanceLease, "instanceLease");
        }

        /** Standalone defaults: no replica to wait for, a week of retention, a 30 s lease. */
        public static Settings standalone(String instanceId) {
            return new Settings(instanceId, 0, Duration.ofSeconds(1), Duration.ofDays(7), Duration.ofSeconds(30));
        }

        public Settings withReplicas(int replicas, Duration timeout) {
            return new Settings(instanceId, replicas, timeout, retention, instanceLease);
        }

        public Settings withRetention(Duration retention) {
            return new Settings(instanceId, replicas, replicaTimeout, retention, instanceLease);
        }

        public Settings withInstanceLease(Duration lease) {
            return new Settings(instanceId, replicas, replicaTimeout, retention, lease);
        }

        private static void requirePositive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + duration);
            }
        }
    }

    public RedisState(UnifiedJedis redis, Settings settings) {
        Objects.requireNonNull(redis, "redis");
        this.redis = () -> redis;
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Over the instance's shared client, asked for at every call: with Sentinel it is replaced after a failover. */
    public RedisState(RedisConnections connections, Settings settings) {
        Objects.requireNonNull(connections, "connections");
        this.redis = connections::client;
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The client for this call; not to be kept. */
    public UnifiedJedis redis() {
        return redis.get();
    }

    public Settings settings() {
        return settings;
    }

    public String instanceId() {
        return settings.instanceId();
    }

    /** The key of an instance's lease; in the transactions' hash tag, so the take-over script can read it. */
    String leaseKey(String instanceId) {
        return NAMESPACE + "{tx}:lease:" + instanceId;
    }

    /** Runs a script durably: see the class comment. */
    Object evalDurably(String script, List<String> keys, List<String> args) {
        return durably(keys.get(0), pipeline -> pipeline.eval(script, keys, args));
    }

    /** Runs a script without waiting for replicas: for state that a failover may lose without harm. */
    Object eval(String script, List<String> keys, List<String> args) {
        return call(() -> redis().eval(script, keys, args));
    }

    /** Sends one command on a pipeline, then {@code WAIT}s for the replicas on that connection. */
    <T> T durably(String sampleKey, Function<AbstractPipeline, Response<T>> command) {
        return call(() -> {
            try (AbstractPipeline pipeline = redis().pipelined()) {
                Response<T> result = command.apply(pipeline);
                Response<Long> acknowledged = settings.replicas() > 0
                        ? pipeline.waitReplicas(sampleKey, settings.replicas(), settings.replicaTimeout().toMillis())
                        : null;
                pipeline.sync();
                T value = result.get();
                if (acknowledged != null && acknowledged.get() < settings.replicas()) {
                    throw new IngestException(IngestException.Kind.UNAVAILABLE, "state_not_replicated", "the shared state"
                            + " in Redis was written but only " + acknowledged.get() + " of the " + settings.replicas()
                            + " replicas required confirmed it within " + settings.replicaTimeout().toMillis()
                            + " ms; the operation is not acknowledged, since a failover could lose it");
                }
                return value;
            }
        });
    }

    /** Runs a Redis call, reporting an unreachable or failing Redis as a 503 the core understands. */
    <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (JedisException e) {
            throw new IngestException(IngestException.Kind.UNAVAILABLE, "state_store_unavailable",
                    "the shared state in Redis cannot be read or written: " + e.getMessage(), e);
        }
    }
}
