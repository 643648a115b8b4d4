package io.artstore.ingester.server.config;

import io.artstore.ingester.storage.http.HttpStorageSettings;
import io.artstore.ingester.storage.http.HttpStorageSettings.Resilience;
import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import io.artstore.ingester.storage.http.HttpStorageSettings.StaticToken;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A remote storage element's settings under their file keys, tokens and passwords masked, for operators. */
final class RemoteElementDescription {

    private RemoteElementDescription() {}

    static Map<String, Object> of(HttpStorageSettings element) {
        Resilience resilience = element.resilience();
        Object token = element.token() instanceof StaticToken ? IngesterConfig.MASK : null;
        Object account = element.token() instanceof ServiceAccount serviceAccount
                ? IngesterConfig.ordered("client_id", serviceAccount.clientId(), "client_secret", IngesterConfig.MASK,
                        "admin_module_url", serviceAccount.adminModuleUrl().toString())
                : null;
        return IngesterConfig.ordered(
                "id", element.id().value(),
                "mode", element.mode().wireName(),
                "type", "http",
                "url", element.url().toString(),
                "priority", element.priority(),
                "pins", element.pins(),
                "tls", IngesterConfig.ordered("min_version", element.tls().minVersion(),
                        "trust_store", element.tls().trustStore().map(Path::toString).orElse(null),
                        "trust_store_password", element.tls().trustStorePassword().map(p -> IngesterConfig.MASK).orElse(null),
                        "trust_store_type", element.tls().trustStoreType()),
                "timeouts", IngesterConfig.ordered("connect", text(element.timeouts().connect()),
                        "read", text(element.timeouts().read()), "write", text(element.timeouts().write()),
                        "call", text(element.timeouts().call())),
                "token", token,
                "service_account", account,
                "breaker", IngesterConfig.ordered("failure_threshold", resilience.failureThreshold(),
                        "failure_window", resilience.failureWindow(), "open_delay", text(resilience.openDelay()),
                        "success_threshold", resilience.successThreshold()),
                "retry", IngesterConfig.ordered("max_retries", resilience.maxRetries(), "delay", text(resilience.retryDelay()),
                        "max_delay", text(resilience.retryMaxDelay()), "jitter", resilience.jitter()),
                "bulkhead", IngesterConfig.ordered("size", resilience.bulkheadSize(),
                        "max_wait", text(resilience.bulkheadMaxWait())),
                "capacity_cache_ttl", text(element.capacityCacheTtl()));
    }

    /** The connection settings of discovered elements: what {@link #of} shows but what the announcement gives. */
    static Map<String, Object> connection(HttpStorageSettings template) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(of(template));
        java.util.List.of("id", "mode", "type", "url", "priority").forEach(all::remove);
        return all;
    }

    static Map<String, Object> of(ServiceAccountSettings account) {
        return IngesterConfig.ordered("client_id", account.clientId().orElse(null),
                "client_secret", account.clientSecret().map(secret -> IngesterConfig.MASK).orElse(null),
                "admin_module_url", account.adminModuleUrl().map(URI::toString).orElse(null));
    }

    /** In the form the file takes: {@code 500ms}, {@code 5s}, {@code 0s}. */
    private static String text(Duration duration) {
        return ConfigValues.duration(duration);
    }
}
