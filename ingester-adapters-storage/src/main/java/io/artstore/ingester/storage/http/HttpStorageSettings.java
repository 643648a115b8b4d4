package io.artstore.ingester.storage.http;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach one ArtStore storage element over HTTP.
 *
 * @param url base URL of the element, e.g. {@code https://se-01.example:8010}
 * @param pins SHA-256 hashes of acceptable public keys, {@code sha256/<base64>}; empty means no pinning
 */
public record HttpStorageSettings(
        StorageElementId id,
        Mode mode,
        URI url,
        int priority,
        List<String> pins,
        Tls tls,
        Timeouts timeouts,
        Token token,
        Resilience resilience,
        Duration capacityCacheTtl) {

    private static final Pattern PIN = Pattern.compile("sha256/[A-Za-z0-9+/]{43}=");

    public HttpStorageSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(resilience, "resilience");
        Objects.requireNonNull(capacityCacheTtl, "capacityCacheTtl");
        String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("storage element " + id + ": url must be http(s)://host[:port], got '" + url + "'");
        }
        if (priority < 0) {
            throw new IllegalArgumentException("storage element " + id + ": priority must not be negative, got " + priority);
        }
        pins = List.copyOf(pins);
        for (String pin : pins) {
            if (!PIN.matcher(pin).matches()) {
                throw new IllegalArgumentException("storage element " + id
                        + ": a pin is 'sha256/' followed by the base64 SHA-256 of the public key, got '" + pin + "'");
            }
        }
        if (!pins.isEmpty() && !scheme.equals("https")) {
            throw new IllegalArgumentException("storage element " + id + ": certificate pins need an https url, got '" + url + "'");
        }
        requirePositive(capacityCacheTtl, "capacity cache ttl");
    }

    /** Defaults for everything but identity, address and token: TLS 1.3, no pins, moderate timeouts. */
    public static HttpStorageSettings of(StorageElementId id, Mode mode, URI url, int priority, Token token) {
        return new HttpStorageSettings(id, mode, url, priority, List.of(), Tls.DEFAULT, Timeouts.DEFAULT, token,
                Resilience.DEFAULT, Duration.ofSeconds(5));
    }

    public HttpStorageSettings withPins(List<String> newPins) {
        return new HttpStorageSettings(id, mode, url, priority, newPins, tls, timeouts, token, resilience, capacityCacheTtl);
    }

    public HttpStorageSettings withTls(Tls newTls) {
        return new HttpStorageSettings(id, mode, url, priority, pins, newTls, timeouts, token, resilience, capacityCacheTtl);
    }

    public HttpStorageSettings withTimeouts(Timeouts newTimeouts) {
        return new HttpStorageSettings(id, mode, url, priority, pins, tls, newTimeouts, token, resilience, capacityCacheTtl);
    }

    public HttpStorageSettings withResilience(Resilience newResilience) {
        return new HttpStorageSettings(id, mode, url, priority, pins, tls, timeouts, token, newResilience, capacityCacheTtl);
    }

    public HttpStorageSettings withCapacityCacheTtl(Duration ttl) {
        return new HttpStorageSettings(id, mode, url, priority, pins, tls, timeouts, token, resilience, ttl);
    }

    /**
     * @param minVersion {@code TLSv1.3} (default) or {@code TLSv1.2}
     * @param trustStore a key store with the CA certificates to trust; empty means the JDK's default trust
     */
    public record Tls(String minVersion, Optional<Path> trustStore, Optional<String> trustStorePassword,
            String trustStoreType) {

        public static final Tls DEFAULT = new Tls("TLSv1.3", Optional.empty(), Optional.empty(), "PKCS12");

        public Tls {
            Objects.requireNonNull(minVersion, "minVersion");
            Objects.requireNonNull(trustStore, "trustStore");
            Objects.requireNonNull(trustStorePassword, "trustStorePassword");
            Objects.requireNonNull(trustStoreType, "trustStoreType");
            if (!minVersion.equals("TLSv1.3") && !minVersion.equals("TLSv1.2")) {
                throw new IllegalArgumentException("tls min_version must be TLSv1.3 or TLSv1.2, got '" + minVersion + "'");
            }
            if (trustStoreType.isBlank()) {
                throw new IllegalArgumentException("tls trust store type must not be blank (PKCS12 or JKS)");
            }
        }

        public static Tls trusting(Path trustStore, String password) {
            return new Tls("TLSv1.3", Optional.of(trustStore), Optional.of(password), "PKCS12");
        }

        public Tls withMinVersion(String version) {
            return new Tls(version, trustStore, trustStorePassword, trustStoreType);
        }

        @Override
        public String toString() {
            return "Tls[minVersion=" + minVersion + ", trustStore=" + trustStore + ", trustStoreType=" + trustStoreType + "]";
        }
    }

    /** @param call the whole call including the body; zero means no limit (large uploads) */
    public record Timeouts(Duration connect, Duration read, Duration write, Duration call) {

        public static final Timeouts DEFAULT =
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ZERO);

        public Timeouts {
            requirePositive(connect, "connect timeout");
            requirePositive(read, "read timeout");
            requirePositive(write, "write timeout");
            Objects.requireNonNull(call, "call");
            if (call.isNegative()) {
                throw new IllegalArgumentException("call timeout must not be negative, got " + call);
            }
        }
    }

    /** Where the bearer token for the element comes from. */
    public sealed interface Token permits StaticToken, ServiceAccount {}

    /** A token given by configuration; it is never refreshed. */
    public record StaticToken(String value) implements Token {
        public StaticToken {
            Objects.requireNonNull(value, "value");
            if (value.isBlank()) {
                throw new IllegalArgumentException("a static storage element token must not be blank");
            }
        }

        @Override
        public String toString() {
            return "StaticToken[***]";
        }
    }

    /** Tokens fetched from the admin module with the service account's credentials. */
    public record ServiceAccount(String clientId, String clientSecret, URI adminModuleUrl) implements Token {
        public ServiceAccount {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(adminModuleUrl, "adminModuleUrl");
            if (clientId.isBlank() || clientSecret.isBlank()) {
                throw new IllegalArgumentException("service account client_id and client_secret must not be blank");
            }
        }

        @Override
        public String toString() {
            return "ServiceAccount[clientId=" + clientId + ", adminModuleUrl=" + adminModuleUrl + "]";
        }
    }

    /**
     * Circuit breaker, retry and bulkhead thresholds.
     *
     * @param failureThreshold failures within the last {@code failureWindow} calls that open the circuit
     * @param openDelay how long the circuit stays open before letting trial calls through
     * @param successThreshold successful trial calls that close it again
     * @param maxRetries retries of idempotent calls after the first attempt
     * @param jitter fraction of each backoff delay that is randomised, 0 to 1
     * @param bulkheadSize calls in flight to the element at once
     * @param bulkheadMaxWait how long a call waits for a free slot before failing
     */
    public record Resilience(
            int failureThreshold,
            int failureWindow,
            Duration openDelay,
            int successThreshold,
            int maxRetries,
            Duration retryDelay,
            Duration retryMaxDelay,
            double jitter,
            int bulkheadSize,
            Duration bulkheadMaxWait) {

        public static final Resilience DEFAULT = new Resilience(5, 10, Duration.ofSeconds(30), 2, 3,
                Duration.ofMillis(200), Duration.ofSeconds(5), 0.25, 32, Duration.ofSeconds(10));

        public Resilience {
            if (failureThreshold < 1 || failureWindow < failureThreshold) {
                throw new IllegalArgumentException("breaker: need 1 <= failure threshold <= failure window, got "
                        + failureThreshold + " of " + failureWindow);
            }
            if (successThreshold < 1) {
                throw new IllegalArgumentException("breaker success threshold must be >= 1, got " + successThreshold);
            }
            requirePositive(openDelay, "breaker open delay");
            if (maxRetries < 0) {
                throw new IllegalArgumentException("retries must not be negative, got " + maxRetries);
            }
            requirePositive(retryDelay, "retry delay");
            requirePositive(retryMaxDelay, "retry max delay");
            if (retryMaxDelay.compareTo(retryDelay) <= 0) {
                throw new IllegalArgumentException("retry max delay must be longer than the retry delay, got "
                        + retryMaxDelay + " and " + retryDelay);
            }
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("retry jitter must be between 0 and 1, got " + jitter);
            }
            if (bulkheadSize < 1) {
                throw new IllegalArgumentException("bulkhead size must be >= 1, got " + bulkheadSize);
            }
            Objects.requireNonNull(bulkheadMaxWait, "bulkheadMaxWait");
        }
    }

    private static void requirePositive(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + duration);
        }
    }
}
