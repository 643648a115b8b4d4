package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.BlockStore;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.ClockSync;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileClocks;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.port.out.TokenUses;
import io.artstore.ingester.core.port.out.TransactionLog;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Every state store of one instance over one Redis client, and the instance's lease: what the composition root
 * wires when the shared state lives in Redis. {@link #start} takes the lease; {@link #close} ends it and closes the
 * client.
 */
public final class RedisStateStores implements AutoCloseable {

    /**
     * Where Redis is: a standalone server ({@code host}, {@code port}), or a Sentinel set when {@code sentinels}
     * is not empty (then {@code masterName} names the master and {@code host}/{@code port} are not used).
     *
     * @param password the data nodes' password; {@code sentinelPassword} the sentinels' own
     */
    public record Connection(String host, int port, Optional<String> password, int database, List<String> sentinels,
            Optional<String> masterName, Optional<String> sentinelPassword) {
        public Connection {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(password, "password");
            sentinels = List.copyOf(sentinels);
            Objects.requireNonNull(masterName, "masterName");
            Objects.requireNonNull(sentinelPassword, "sentinelPassword");
            if (!sentinels.isEmpty() && masterName.isEmpty()) {
                throw new IllegalArgumentException("a Sentinel set needs the name of its master");
            }
            for (String sentinel : sentinels) {
                HostAndPort.from(sentinel);
            }
        }

        public boolean sentinel() {
            return !sentinels.isEmpty();
        }
    }

    /** Jedis's own default. */
    private static final int DEFAULT_SOCKET_TIMEOUT_MILLIS = 2000;

    private final UnifiedJedis client;
    private final RedisState state;
    private final InstanceLease lease;

    public RedisStateStores(UnifiedJedis client, RedisState.Settings settings) {
        this.client = Objects.requireNonNull(client, "client");
        this.state = new RedisState(client, settings);
        this.lease = new InstanceLease(state);
    }

    /** Connects to Redis (a standalone server or the master a Sentinel set names). */
    public static RedisStateStores open(Connection connection, RedisState.Settings settings) {
        return new RedisStateStores(client(connection, settings.replicaTimeout()), settings);
    }

    /**
     * A client for the connection: standalone or Sentinel-aware (it follows the master the sentinels name). Its
     * reads wait longer than {@code WAIT} may block ({@code replicaTimeout}), so that a write no replica confirmed
     * is reported as such rather than as a timed-out connection.
     */
    public static UnifiedJedis client(Connection connection, Duration replicaTimeout) {
        int socketTimeout = (int) Math.min(Integer.MAX_VALUE, Math.max(DEFAULT_SOCKET_TIMEOUT_MILLIS,
                replicaTimeout.toMillis() + DEFAULT_SOCKET_TIMEOUT_MILLIS));
        DefaultJedisClientConfig.Builder data = DefaultJedisClientConfig.builder().database(connection.database())
                .socketTimeoutMillis(socketTimeout).clientName("artstore-ingester");
        connection.password().ifPresent(data::password);
        if (!connection.sentinel()) {
            return RedisClient.builder().hostAndPort(connection.host(), connection.port()).clientConfig(data.build())
                    .poolConfig(pool()).build();
        }
        Set<HostAndPort> sentinels = new LinkedHashSet<>();
        connection.sentinels().forEach(sentinel -> sentinels.add(HostAndPort.from(sentinel)));
        DefaultJedisClientConfig.Builder sentinelConfig = DefaultJedisClientConfig.builder();
        connection.sentinelPassword().ifPresent(sentinelConfig::password);
        JedisClientConfig dataConfig = data.build();
        return RedisSentinelClient.builder().masterName(connection.masterName().orElseThrow()).sentinels(sentinels)
                .clientConfig(dataConfig).sentinelClientConfig(sentinelConfig.build()).poolConfig(pool()).build();
    }

    /**
     * Every upload and transfer step makes a few calls, from as many threads as requests: more connections than
     * Jedis's default eight, and a bounded wait for one rather than a hang when all are busy.
     */
    private static ConnectionPoolConfig pool() {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        pool.setMaxWait(Duration.ofSeconds(10));
        return pool;
    }

    /** Takes the instance's lease and keeps renewing it. */
    public void start() {
        lease.start();
    }

    public SagaLog sagaLog() {
        return new RedisSagaLog(state);
    }

    public TransactionLog transactionLog() {
        return new RedisTransactionLog(state);
    }

    public Locks locks() {
        return new RedisLocks(state);
    }

    public CapacityReservations reservations() {
        return new RedisCapacityReservations(state);
    }

    public FileCatalog catalog() {
        return new RedisFileCatalog(state);
    }

    public FileClocks fileClocks(Predicate<FileId> exists) {
        return new RedisFileClocks(state, exists);
    }

    public ClockSync clockSync() {
        return new RedisClockSync(state);
    }

    public TokenUses tokenUses() {
        return new RedisTokenUses(state);
    }

    public BlockStore blocks(Clock clock) {
        return new RedisBlockStore(state, clock);
    }

    /** Ends the lease, so that other instances take this one's unfinished transfers over at once, and disconnects. */
    @Override
    public void close() {
        try {
            lease.close();
        } finally {
            client.close();
        }
    }
}
