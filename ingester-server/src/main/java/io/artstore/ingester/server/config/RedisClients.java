package io.artstore.ingester.server.config;

import io.artstore.ingester.redis.state.RedisState;
import io.artstore.ingester.redis.state.RedisStateStores;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Redis connection as ArtStore's variables describe it ({@code REDIS_HOST}, {@code REDIS_PORT},
 * {@code REDIS_PASSWORD}, {@code REDIS_DB}) plus the Sentinel ones ({@code REDIS_SENTINEL_HOSTS} as
 * {@code host:port,host:port}, {@code REDIS_SENTINEL_MASTER}, {@code REDIS_SENTINEL_PASSWORD}), and the state stores
 * opened over it. Read from the environment only.
 */
public final class RedisClients {

    static final List<String> VARIABLES = List.of("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_DB",
            "REDIS_SENTINEL_HOSTS", "REDIS_SENTINEL_MASTER", "REDIS_SENTINEL_PASSWORD");

    private RedisClients() {
    }

    /**
     * @throws ConfigException naming the variable at fault
     */
    public static RedisStateStores.Connection fromEnvironment(Map<String, String> env) {
        String host = value(env, "REDIS_HOST").orElse("localhost");
        int port = number(env, "REDIS_PORT", 6379, 1, 65535);
        int database = number(env, "REDIS_DB", 0, 0, 15);
        List<String> sentinels = value(env, "REDIS_SENTINEL_HOSTS")
                .map(hosts -> Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList())
                .orElse(List.of());
        Optional<String> master = value(env, "REDIS_SENTINEL_MASTER");
        if (!sentinels.isEmpty() && master.isEmpty()) {
            throw new ConfigException("REDIS_SENTINEL_MASTER", "name the master the sentinels in REDIS_SENTINEL_HOSTS watch");
        }
        for (String sentinel : sentinels) {
            int colon = sentinel.lastIndexOf(':');
            if (colon <= 0 || !sentinel.substring(colon + 1).matches("\\d{1,5}")) {
                throw new ConfigException("REDIS_SENTINEL_HOSTS", "must be host:port,host:port,…, got '" + sentinel + "'");
            }
        }
        return new RedisStateStores.Connection(host, port, value(env, "REDIS_PASSWORD"), database, sentinels, master,
                value(env, "REDIS_SENTINEL_PASSWORD"));
    }

    /** Connects and opens the state stores of instance {@code instanceId}; the caller closes them. */
    public static RedisStateStores open(StateSettings settings, String instanceId) {
        RedisState.Settings state = RedisState.Settings.standalone(instanceId)
                .withReplicas(settings.waitReplicas(), settings.waitTimeout())
                .withRetention(settings.retention())
                .withInstanceLease(settings.instanceLease());
        return RedisStateStores.open(settings.redis().orElseThrow(), state);
    }

    /** Where Redis is, for operators: no password shown. */
    static Map<String, Object> describe(RedisStateStores.Connection connection) {
        Map<String, Object> shown = new java.util.LinkedHashMap<>();
        if (connection.sentinel()) {
            shown.put("sentinels", String.join(",", connection.sentinels()));
            shown.put("master", connection.masterName().orElseThrow());
        } else {
            shown.put("host", connection.host());
            shown.put("port", connection.port());
        }
        shown.put("db", connection.database());
        shown.put("password", connection.password().map(secret -> IngesterConfig.MASK).orElse(null));
        return shown;
    }

    private static Optional<String> value(Map<String, String> env, String variable) {
        return Optional.ofNullable(env.get(variable)).map(String::trim).filter(text -> !text.isEmpty());
    }

    private static int number(Map<String, String> env, String variable, int otherwise, int min, int max) {
        Optional<String> text = value(env, variable);
        if (text.isEmpty()) {
            return otherwise;
        }
        try {
            int number = Integer.parseInt(text.get());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // Reported below.
        }
        throw new ConfigException(variable, "must be a whole number from " + min + " to " + max + ", got '" + text.get() + "'");
    }
}
