package io.artstore.ingester.server.config;

import io.artstore.ingester.redis.RedisSettings;
import java.util.Map;

/** The Redis settings under their file keys, passwords masked, for operators. */
final class RedisDescription {

    private RedisDescription() {}

    static Map<String, Object> of(RedisSettings settings) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        RedisSettings.Topology topology = settings.topology();
        if (topology instanceof RedisSettings.Standalone standalone) {
            map.put("host", standalone.address().host());
            map.put("port", standalone.address().port());
        } else if (topology instanceof RedisSettings.Sentinel sentinel) {
            map.put("sentinel_hosts", String.join(",", sentinel.sentinels().stream().map(Object::toString).toList()));
            map.put("sentinel_master", sentinel.masterName());
            map.put("sentinel_password", sentinel.password().map(p -> IngesterConfig.MASK).orElse(null));
        } else if (topology instanceof RedisSettings.Cluster cluster) {
            map.put("cluster_nodes", String.join(",", cluster.nodes().stream().map(Object::toString).toList()));
        }
        map.put("password", settings.password().map(p -> IngesterConfig.MASK).orElse(null));
        map.put("db", settings.database());
        map.put("tls", settings.tls());
        settings.trustStore().ifPresent(store -> {
            map.put("tls_trust_store", store.file().toString());
            map.put("tls_trust_store_password", store.password().map(p -> IngesterConfig.MASK).orElse(null));
        });
        map.put("timeout", ConfigValues.duration(settings.timeout()));
        return map;
    }
}
