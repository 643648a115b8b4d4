package io.artstore.ingester.storage.registry;

import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How to reach ArtStore's file registry and keep the calls to it.
 *
 * @param adminModuleUrl the admin module's base URL; its file registry is under {@code /api/v1/files}
 * @param account the service account whose tokens the registry accepts (its own URL gives the tokens)
 * @param outboxFolder where calls wait until they are delivered
 * @param retryDelay the first wait after a failed delivery; it doubles with each failure in a row
 * @param maxRetryDelay the longest wait between attempts (a longer {@code Retry-After} is honoured)
 * @param timeout connect and read timeout of each call
 */
public record RegistrySettings(URI adminModuleUrl, ServiceAccount account, Path outboxFolder, Duration retryDelay,
        Duration maxRetryDelay, Duration timeout) {

    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofMinutes(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public RegistrySettings {
        Objects.requireNonNull(adminModuleUrl, "adminModuleUrl");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(outboxFolder, "outboxFolder");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
        Objects.requireNonNull(timeout, "timeout");
        String scheme = String.valueOf(adminModuleUrl.getScheme()).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || adminModuleUrl.getHost() == null) {
            throw new IllegalArgumentException("the admin module's URL must be http(s)://host[:port], got '" + adminModuleUrl + "'");
        }
        if (retryDelay.isNegative() || retryDelay.isZero() || maxRetryDelay.compareTo(retryDelay) < 0) {
            throw new IllegalArgumentException("registry retry delays must be positive with the first at most the longest, got "
                    + retryDelay + " and " + maxRetryDelay);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the registry timeout must be positive, got " + timeout);
        }
    }

    public static RegistrySettings of(URI adminModuleUrl, ServiceAccount account, Path outboxFolder) {
        return new RegistrySettings(adminModuleUrl, account, outboxFolder, DEFAULT_RETRY_DELAY, DEFAULT_MAX_RETRY_DELAY,
                DEFAULT_TIMEOUT);
    }

    public RegistrySettings withRetryDelays(Duration first, Duration longest) {
        return new RegistrySettings(adminModuleUrl, account, outboxFolder, first, longest, timeout);
    }
}
