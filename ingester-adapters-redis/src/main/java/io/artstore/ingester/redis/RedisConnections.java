package io.artstore.ingester.redis;

import io.artstore.ingester.redis.RedisSettings.Address;
import io.artstore.ingester.redis.RedisSettings.Cluster;
import io.artstore.ingester.redis.RedisSettings.Sentinel;
import io.artstore.ingester.redis.RedisSettings.Standalone;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The one Redis client of an instance, for standalone Redis, a Sentinel-managed master or a Redis Cluster, shared by
 * every Redis adapter. Callers ask {@link #client()} for each call rather than keeping the client: with Sentinel it is
 * replaced when the sentinels name another master than the one the client uses, since Jedis follows only the
 * {@code +switch-master} messages, and one of those can be lost.
 */
public final class RedisConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);

    private final RedisSettings settings;
    private final Optional<ScheduledExecutorService> masterCheck;
    private volatile UnifiedJedis client;
    private volatile boolean closed;

    private RedisConnections(RedisSettings settings) {
        this.settings = settings;
        if (settings.topology() instanceof Sentinel) {
            ScheduledExecutorService check = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "redis-master-check");
                thread.setDaemon(true);
                return thread;
            });
            long every = settings.masterRecheck().toMillis();
            check.scheduleWithFixedDelay(this::recheckMaster, every, every, TimeUnit.MILLISECONDS);
            this.masterCheck = Optional.of(check);
        } else {
            this.masterCheck = Optional.empty();
        }
    }

    /**
     * Contacts no server: the client is built on first use, so that an instance starts while Redis (or every
     * sentinel) is down and its first calls fail like any call to an unreachable Redis.
     */
    public static RedisConnections open(RedisSettings settings) {
        return new RedisConnections(settings);
    }

    public RedisSettings settings() {
        return settings;
    }

    /**
     * The client to use for this call.
     *
     * @throws JedisException when the client cannot be built (with Sentinel: no sentinel names the master)
     */
    public UnifiedJedis client() {
        if (closed) {
            throw new IllegalStateException("the Redis connections are closed");
        }
        UnifiedJedis current = client;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (client == null) {
                client = newClient(settings);
            }
            return client;
        }
    }

    /** {@code standalone 127.0.0.1:6379}, {@code sentinel mymaster (master 127.0.0.1:6380)}, {@code cluster …}. */
    public String describe() {
        RedisSettings.Topology topology = settings.topology();
        if (topology instanceof Standalone standalone) {
            return "standalone " + standalone.address();
        }
        if (topology instanceof Sentinel sentinel) {
            return "sentinel " + sentinel.masterName() + " (master "
                    + currentMaster().map(Address::toString).orElse("unknown") + ")";
        }
        return "cluster " + ((Cluster) topology).nodes();
    }

    /** The master the client now writes to (Sentinel only). */
    public Optional<Address> currentMaster() {
        if (this.client instanceof RedisSentinelClient sentinelClient) {
            HostAndPort master = sentinelClient.getCurrentMaster();
            return Optional.ofNullable(master).map(m -> new Address(m.getHost(), m.getPort()));
        }
        return Optional.empty();
    }

    /** The master the first sentinel that answers names now, asked directly (Sentinel only). */
    public Optional<Address> askSentinels() {
        if (!(settings.topology() instanceof Sentinel sentinel)) {
            return Optional.empty();
        }
        JedisClientConfig config = sentinelConfig(settings, sentinel);
        for (Address address : sentinel.sentinels()) {
            try (Jedis jedis = new Jedis(new HostAndPort(address.host(), address.port()), config)) {
                List<String> master = jedis.sentinelGetMasterAddrByName(sentinel.masterName());
                if (master != null && master.size() == 2) {
                    return Optional.of(new Address(master.get(0), Integer.parseInt(master.get(1))));
                }
            } catch (RuntimeException e) {
                LOG.debug("sentinel {} did not answer: {}", address, e.toString());
            }
        }
        return Optional.empty();
    }

    private void recheckMaster() {
        if (closed) {
            return;
        }
        try {
            Optional<Address> named = askSentinels();
            Optional<Address> used = currentMaster();
            if (named.isPresent() && used.isPresent() && !named.equals(used)) {
                LOG.warn("the sentinels name {} as the Redis master but the client uses {}; reconnecting", named.get(),
                        used.get());
                UnifiedJedis replacement = newClient(settings);
                UnifiedJedis previous;
                synchronized (this) {
                    previous = client;
                    client = replacement;
                }
                closeQuietly(previous);
            }
        } catch (RuntimeException e) {
            LOG.warn("re-asking the sentinels for the Redis master failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        masterCheck.ifPresent(ScheduledExecutorService::shutdownNow);
        UnifiedJedis current = client;
        if (current != null) {
            closeQuietly(current);
        }
    }

    private static void closeQuietly(UnifiedJedis jedis) {
        try {
            jedis.close();
        } catch (RuntimeException e) {
            LOG.debug("closing a Redis client failed: {}", e.toString());
        }
    }

    private static UnifiedJedis newClient(RedisSettings settings) {
        RedisSettings.Topology topology = settings.topology();
        if (topology instanceof Standalone standalone) {
            return RedisClient.builder()
                    .hostAndPort(standalone.address().host(), standalone.address().port())
                    .clientConfig(dataConfig(settings).database(settings.database()).build())
                    .poolConfig(pool())
                    .build();
        }
        if (topology instanceof Sentinel sentinel) {
            return RedisSentinelClient.builder()
                    .masterName(sentinel.masterName())
                    .sentinels(hosts(sentinel.sentinels()))
                    .clientConfig(dataConfig(settings).database(settings.database()).build())
                    .sentinelClientConfig(sentinelConfig(settings, sentinel))
                    .poolConfig(pool())
                    .build();
        }
        return RedisClusterClient.builder()
                .nodes(hosts(((Cluster) topology).nodes()))
                .clientConfig(dataConfig(settings).build())
                .poolConfig(pool())
                .build();
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

    private static DefaultJedisClientConfig.Builder dataConfig(RedisSettings settings) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(settings.timeout())).socketTimeoutMillis(millis(settings.readTimeout()))
                .clientName("artstore-ingester");
        settings.password().ifPresent(builder::password);
        if (settings.tls()) {
            builder.sslOptions(sslOptions(settings));
        }
        return builder;
    }

    private static JedisClientConfig sentinelConfig(RedisSettings settings, Sentinel sentinel) {
        int timeout = (int) settings.timeout().toMillis();
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout);
        sentinel.password().ifPresent(builder::password);
        if (settings.tls()) {
            builder.sslOptions(sslOptions(settings));
        }
        return builder.build();
    }

    /** The JVM's trust, or only the configured store's authorities; the host name is verified either way. */
    private static SslOptions sslOptions(RedisSettings settings) {
        if (settings.trustStore().isEmpty()) {
            return SslOptions.defaults();
        }
        RedisSettings.TrustStore store = settings.trustStore().get();
        return SslOptions.builder()
                .truststore(store.file().toFile(), store.password().map(String::toCharArray).orElse(null))
                .trustStoreType(java.security.KeyStore.getDefaultType())
                .sslVerifyMode(SslVerifyMode.FULL)
                .build();
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    private static Set<HostAndPort> hosts(List<Address> addresses) {
        Set<HostAndPort> hosts = new LinkedHashSet<>();
        addresses.forEach(address -> hosts.add(new HostAndPort(address.host(), address.port())));
        return hosts;
    }
}
