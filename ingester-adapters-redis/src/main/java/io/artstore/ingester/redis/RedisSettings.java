package io.artstore.ingester.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach Redis: one standalone server, a master found by name through Sentinel, or a Redis Cluster.
 *
 * @param password the data nodes' password ({@code REDIS_PASSWORD}); the sentinels have their own
 * @param database the logical database of a standalone or Sentinel-managed server; a cluster has only 0
 * @param tls TLS to the data nodes (and to the sentinels), with the JVM's default trust unless {@code trustStore}
 * @param timeout connect timeout, and read timeout unless {@code readTimeout} is longer
 * @param masterRecheck how often the sentinels are asked again for the master, in case a {@code +switch-master}
 *     message was lost
 * @param readTimeout how long a call waits for its answer: longer than {@code timeout} when calls may block on the
 *     server, as {@code WAIT} does, so that a full wait is not mistaken for a lost connection
 * @param trustStore with {@code tls}, the only authorities trusted for the servers' certificates (e.g. a private CA)
 */
public record RedisSettings(Topology topology, Optional<String> password, int database, boolean tls, Duration timeout,
        Duration masterRecheck, Duration readTimeout, Optional<TrustStore> trustStore) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_MASTER_RECHECK = Duration.ofSeconds(5);

    public RedisSettings {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(masterRecheck, "masterRecheck");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(trustStore, "trustStore");
        if (database < 0) {
            throw new IllegalArgumentException("the Redis database must not be negative, got " + database);
        }
        if (database != 0 && topology instanceof Cluster) {
            throw new IllegalArgumentException("a Redis Cluster has only database 0, got " + database);
        }
        if (timeout.isNegative() || timeout.isZero() || masterRecheck.isNegative() || masterRecheck.isZero()) {
            throw new IllegalArgumentException("Redis timeouts must be positive");
        }
        if (readTimeout.compareTo(timeout) < 0) {
            readTimeout = timeout;
        }
    }

    /** With the JVM's default trust. */
    public RedisSettings(Topology topology, Optional<String> password, int database, boolean tls, Duration timeout,
            Duration masterRecheck, Duration readTimeout) {
        this(topology, password, database, tls, timeout, masterRecheck, readTimeout, Optional.empty());
    }

    /** Reads wait as long as connects. */
    public RedisSettings(Topology topology, Optional<String> password, int database, boolean tls, Duration timeout,
            Duration masterRecheck) {
        this(topology, password, database, tls, timeout, masterRecheck, timeout);
    }

    public static RedisSettings standalone(String host, int port) {
        return new RedisSettings(new Standalone(new Address(host, port)), Optional.empty(), 0, false, DEFAULT_TIMEOUT,
                DEFAULT_MASTER_RECHECK);
    }

    public RedisSettings withPassword(String newPassword) {
        return new RedisSettings(topology, Optional.of(newPassword), database, tls, timeout, masterRecheck, readTimeout,
                trustStore);
    }

    public RedisSettings withTimeout(Duration newTimeout) {
        return new RedisSettings(topology, password, database, tls, newTimeout, masterRecheck,
                readTimeout.compareTo(timeout) > 0 ? readTimeout : newTimeout, trustStore);
    }

    public RedisSettings withMasterRecheck(Duration newMasterRecheck) {
        return new RedisSettings(topology, password, database, tls, timeout, newMasterRecheck, readTimeout, trustStore);
    }

    /**
     * Reads that outlast a server-side block of up to {@code wait} (a {@code WAIT} for replicas) by {@code timeout}:
     * a write no replica confirmed in time is then reported as such, not as a timed-out connection.
     */
    public RedisSettings withBlockingCalls(Duration wait) {
        Duration needed = wait.plus(timeout);
        return new RedisSettings(topology, password, database, tls, timeout, masterRecheck,
                needed.compareTo(readTimeout) > 0 ? needed : readTimeout, trustStore);
    }

    /** TLS that trusts only the authorities in {@code store}. */
    public RedisSettings withTls(TrustStore store) {
        return new RedisSettings(topology, password, database, true, timeout, masterRecheck, readTimeout,
                Optional.of(store));
    }

    /**
     * A trust store file (PKCS#12, or JKS) holding the authorities that sign the Redis servers' certificates.
     *
     * @param password the store's password, if it has one
     */
    public record TrustStore(Path file, Optional<String> password) {
        public TrustStore {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(password, "password");
        }
    }

    /** Where the servers are. */
    public sealed interface Topology permits Standalone, Sentinel, Cluster {}

    public record Standalone(Address address) implements Topology {
        public Standalone {
            Objects.requireNonNull(address, "address");
        }
    }

    /** @param password the sentinels' own password ({@code REDIS_SENTINEL_PASSWORD}), if they ask for one */
    public record Sentinel(String masterName, List<Address> sentinels, Optional<String> password) implements Topology {
        public Sentinel {
            Objects.requireNonNull(masterName, "masterName");
            Objects.requireNonNull(password, "password");
            sentinels = List.copyOf(sentinels);
            if (masterName.isBlank()) {
                throw new IllegalArgumentException("the Sentinel master name must not be blank");
            }
            if (sentinels.isEmpty()) {
                throw new IllegalArgumentException("at least one sentinel address is needed");
            }
        }
    }

    public record Cluster(List<Address> nodes) implements Topology {
        public Cluster {
            nodes = List.copyOf(nodes);
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("at least one Redis Cluster node is needed");
            }
        }
    }

    public record Address(String host, int port) {
        public Address {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("a Redis host must not be blank");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("a Redis port must be 1-65535, got " + port);
            }
        }

        /** {@code host:port}; a bare host takes {@code defaultPort}. */
        public static Address parse(String text, int defaultPort) {
            String trimmed = text.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon < 0) {
                return new Address(trimmed, defaultPort);
            }
            try {
                return new Address(trimmed.substring(0, colon), Integer.parseInt(trimmed.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a Redis address is host:port, got '" + text + "'");
            }
        }

        /** A comma-separated list of {@code host:port}. */
        public static List<Address> parseList(String text, int defaultPort) {
            return java.util.Arrays.stream(text.split(",")).map(String::trim).filter(part -> !part.isEmpty())
                    .map(part -> parse(part, defaultPort)).toList();
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
