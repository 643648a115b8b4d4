package io.artstore.ingester.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.server.config.ConfigLoader.Value;
import io.artstore.ingester.storage.http.HttpStorageSettings;
import io.artstore.ingester.storage.http.HttpStorageSettings.Resilience;
import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import io.artstore.ingester.storage.http.HttpStorageSettings.StaticToken;
import io.artstore.ingester.storage.http.HttpStorageSettings.Timeouts;
import io.artstore.ingester.storage.http.HttpStorageSettings.Tls;
import io.artstore.ingester.storage.http.HttpStorageSettings.Token;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Reads one {@code type: http} entry of {@code storage.elements} into the HTTP adapter's settings. Every value is
 * checked here, the trust store opened once, so that a bad one stops start-up with the key at fault.
 */
final class HttpElementReader {

    static final Duration DEFAULT_CAPACITY_CACHE_TTL = Duration.ofSeconds(5);

    private static final Set<String> KEYS = Set.of("id", "mode", "type", "url", "priority", "pins", "tls", "timeouts",
            "token", "service_account", "breaker", "retry", "bulkhead", "capacity_cache_ttl");
    private static final Set<String> TLS_KEYS = Set.of("min_version", "trust_store", "trust_store_password", "trust_store_type");
    private static final Set<String> TIMEOUT_KEYS = Set.of("connect", "read", "write", "call");
    private static final Set<String> ACCOUNT_KEYS = Set.of("client_id", "client_secret", "admin_module_url");
    private static final Set<String> BREAKER_KEYS = Set.of("failure_threshold", "failure_window", "open_delay", "success_threshold");
    private static final Set<String> RETRY_KEYS = Set.of("max_retries", "delay", "max_delay", "jitter");
    private static final Set<String> BULKHEAD_KEYS = Set.of("size", "max_wait");

    private final UnaryOperator<String> inFile;
    private final ServiceAccountSettings defaultAccount;

    /** @param inFile adds the configuration file's name to a key, for messages */
    HttpElementReader(UnaryOperator<String> inFile, ServiceAccountSettings defaultAccount) {
        this.inFile = inFile;
        this.defaultAccount = defaultAccount;
    }

    static boolean isHttp(JsonNode element) {
        JsonNode type = element.path("type");
        return type.isValueNode() && type.asText().trim().equalsIgnoreCase("http");
    }

    /** An absolute http(s) URL with a host. */
    static URI httpUrl(Value value) {
        try {
            URI uri = new URI(value.text().trim());
            String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException(value.source(), "must be an http:// or https:// URL with a host, such as"
                + " https://se-01.example:8010, got '" + value.text() + "'");
    }

    HttpStorageSettings read(String key, JsonNode node) {
        Section element = new Section(key, node, KEYS);
        StorageElementId id = element.required("id").parsed(StorageElementId::of);
        Mode mode = element.required("mode").parsed(Mode::parse);
        URI url = httpUrl(element.required("url"));
        int priority = element.value("priority").map(v -> v.integer(0, Integer.MAX_VALUE))
                .orElse(StorageSettings.DEFAULT_PRIORITY);
        HttpStorageSettings base = checked(key, () -> HttpStorageSettings.of(id, mode, url, priority, token(element)));
        List<String> pins = element.strings("pins");
        Duration ttl = element.value("capacity_cache_ttl").map(v -> v.duration(false)).orElse(DEFAULT_CAPACITY_CACHE_TTL);
        return checked(key + ".pins", () -> base.withPins(pins))
                .withTls(tls(element.section("tls", TLS_KEYS)))
                .withTimeouts(timeouts(element.section("timeouts", TIMEOUT_KEYS)))
                .withResilience(resilience(element))
                .withCapacityCacheTtl(ttl);
    }

    private Token token(Section element) {
        Optional<Value> token = element.value("token");
        boolean ownAccount = element.has("service_account");
        if (token.isPresent() && ownAccount) {
            throw new ConfigException(inFile.apply(element.key() + ".token"),
                    "give either a static token or a service_account, not both");
        }
        if (token.isPresent()) {
            return checked(element.key() + ".token", () -> new StaticToken(token.get().text().trim()));
        }
        if (ownAccount) {
            Section account = element.section("service_account", ACCOUNT_KEYS);
            String clientId = account.value("client_id").map(Value::text).or(defaultAccount::clientId)
                    .orElseThrow(() -> missingAccountPart(account, "client_id"));
            String secret = account.value("client_secret").map(Value::text).or(defaultAccount::clientSecret)
                    .orElseThrow(() -> missingAccountPart(account, "client_secret"));
            URI adminModule = account.value("admin_module_url").map(HttpElementReader::httpUrl)
                    .or(defaultAccount::adminModuleUrl).orElseThrow(() -> missingAccountPart(account, "admin_module_url"));
            return checked(account.key(), () -> new ServiceAccount(clientId.trim(), secret, adminModule));
        }
        return defaultAccount.complete().orElseThrow(() -> new ConfigException(inFile.apply(element.key() + ".token"),
                "a remote storage element needs a bearer token: set its token or service_account, or the service"
                        + " account of all elements by SERVICE_ACCOUNT_CLIENT_ID, SERVICE_ACCOUNT_CLIENT_SECRET and"
                        + " SERVICE_ACCOUNT_ADMIN_MODULE_URL"));
    }

    private ConfigException missingAccountPart(Section account, String part) {
        return new ConfigException(inFile.apply(account.key() + "." + part), "is required (or set it for all elements by "
                + ConfigLoader.VARIABLES.get("service_account." + part).get(0) + ")");
    }

    private Tls tls(Section section) {
        String minVersion = section.value("min_version").map(HttpElementReader::tlsVersion).orElse(Tls.DEFAULT.minVersion());
        Optional<Value> trustStore = section.value("trust_store");
        Optional<Value> password = section.value("trust_store_password");
        String type = section.value("trust_store_type").map(v -> v.text().trim().toUpperCase(Locale.ROOT))
                .orElse(Tls.DEFAULT.trustStoreType());
        if (trustStore.isEmpty()) {
            if (password.isPresent()) {
                throw new ConfigException(password.get().source(), "is set but trust_store is not; name the key store file");
            }
            return checked(section.key(), () -> new Tls(minVersion, Optional.empty(), Optional.empty(), type));
        }
        Path path = trustStore.get().path();
        openTrustStore(trustStore.get(), path, type, password);
        return checked(section.key(), () -> new Tls(minVersion, Optional.of(path), password.map(Value::text), type));
    }

    private static String tlsVersion(Value value) {
        return switch (value.text().trim().toUpperCase(Locale.ROOT).replace("TLSV", "")) {
            case "1.3" -> "TLSv1.3";
            case "1.2" -> "TLSv1.2";
            default -> throw new ConfigException(value.source(), "must be TLSv1.3 (or 1.3) or TLSv1.2 (or 1.2), got '"
                    + value.text() + "'");
        };
    }

    /** Opened once now, so that a missing file or a wrong password names its setting rather than failing later. */
    private static void openTrustStore(Value setting, Path path, String type, Optional<Value> password) {
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(setting.source(), "the trust store " + path.toAbsolutePath() + " does not exist");
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore.getInstance(type).load(in, password.map(v -> v.text().toCharArray()).orElse(null));
        } catch (GeneralSecurityException e) {
            throw new ConfigException(setting.source(), "the trust store " + path + " is no " + type
                    + " key store: " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigException(password.map(Value::source).orElse(setting.source()), "cannot open the trust store "
                    + path + " (" + type + "); is the password right? " + e.getMessage());
        }
    }

    private Timeouts timeouts(Section section) {
        Timeouts defaults = Timeouts.DEFAULT;
        return new Timeouts(
                section.value("connect").map(v -> v.duration(false)).orElse(defaults.connect()),
                section.value("read").map(v -> v.duration(false)).orElse(defaults.read()),
                section.value("write").map(v -> v.duration(false)).orElse(defaults.write()),
                section.value("call").map(v -> v.duration(true)).orElse(defaults.call()));
    }

    private Resilience resilience(Section element) {
        Resilience defaults = Resilience.DEFAULT;
        Section breaker = element.section("breaker", BREAKER_KEYS);
        Section retry = element.section("retry", RETRY_KEYS);
        Section bulkhead = element.section("bulkhead", BULKHEAD_KEYS);
        int failureThreshold = breaker.value("failure_threshold").map(v -> v.integer(1, 10_000)).orElse(defaults.failureThreshold());
        int failureWindow = breaker.value("failure_window").map(v -> v.integer(1, 10_000)).orElse(defaults.failureWindow());
        Duration openDelay = breaker.value("open_delay").map(v -> v.duration(false)).orElse(defaults.openDelay());
        int successThreshold = breaker.value("success_threshold").map(v -> v.integer(1, 10_000)).orElse(defaults.successThreshold());
        int maxRetries = retry.value("max_retries").map(v -> v.integer(0, 100)).orElse(defaults.maxRetries());
        Duration delay = retry.value("delay").map(v -> v.duration(false)).orElse(defaults.retryDelay());
        Duration maxDelay = retry.value("max_delay").map(v -> v.duration(false)).orElse(defaults.retryMaxDelay());
        double jitter = retry.value("jitter").map(Value::fraction).orElse(defaults.jitter());
        int size = bulkhead.value("size").map(v -> v.integer(1, 100_000)).orElse(defaults.bulkheadSize());
        Duration maxWait = bulkhead.value("max_wait").map(v -> v.duration(true)).orElse(defaults.bulkheadMaxWait());
        try {
            return new Resilience(failureThreshold, failureWindow, openDelay, successThreshold, maxRetries, delay, maxDelay,
                    jitter, size, maxWait);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            Section at = message.startsWith("breaker") ? breaker : message.startsWith("retr") ? retry : bulkhead;
            throw new ConfigException(inFile.apply(at.key()), message);
        }
    }

    private <T> T checked(String key, Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(inFile.apply(key), e.getMessage());
        }
    }

    /** One mapping of the file: its known keys and its single values, each named by its full key. */
    private final class Section {
        private final String key;
        private final JsonNode node;

        Section(String key, JsonNode node, Set<String> known) {
            this.key = key;
            this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
            if (this.node.isMissingNode()) {
                return;
            }
            if (!this.node.isObject()) {
                throw new ConfigException(inFile.apply(key), "must be a mapping with " + new TreeSet<>(known));
            }
            for (Iterator<String> names = this.node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    throw new ConfigException(inFile.apply(key + "." + name), "unknown setting; here the settings are "
                            + new TreeSet<>(known));
                }
            }
        }

        String key() {
            return key;
        }

        boolean has(String name) {
            JsonNode child = node.path(name);
            return !child.isMissingNode() && !child.isNull();
        }

        Section section(String name, Set<String> known) {
            return new Section(key + "." + name, node.path(name), known);
        }

        Optional<Value> value(String name) {
            JsonNode child = node.path(name);
            if (child.isMissingNode() || child.isNull()) {
                return Optional.empty();
            }
            if (!child.isValueNode()) {
                throw new ConfigException(inFile.apply(key + "." + name), "must be a single value, not a list or mapping");
            }
            return Optional.of(new Value(child.asText(), inFile.apply(key + "." + name)));
        }

        Value required(String name) {
            return value(name).filter(v -> !v.text().isBlank())
                    .orElseThrow(() -> new ConfigException(inFile.apply(key + "." + name), "is required"));
        }

        /** A list of strings, or one string. */
        List<String> strings(String name) {
            JsonNode child = node.path(name);
            List<String> values = new ArrayList<>();
            if (child.isMissingNode() || child.isNull()) {
                return values;
            }
            if (child.isValueNode()) {
                values.add(child.asText().trim());
                return values;
            }
            if (!child.isArray()) {
                throw new ConfigException(inFile.apply(key + "." + name), "must be a list of values");
            }
            for (int i = 0; i < child.size(); i++) {
                if (!child.get(i).isValueNode()) {
                    throw new ConfigException(inFile.apply(key + "." + name + "[" + i + "]"), "must be a single value");
                }
                values.add(child.get(i).asText().trim());
            }
            return values;
        }
    }
}
