package io.artstore.ingester.server.config;

import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * ArtStore's file registry in the admin module: on when the admin module's URL is known
 * ({@code AUTH_ADMIN_MODULE_URL}, else the service account's {@code admin_module_url}), off otherwise.
 *
 * @param adminModuleUrl where the registry is; empty when it is off
 * @param account the service account whose tokens it accepts; present whenever the URL is
 * @param retryDelay the first wait after a failed delivery, doubled after each failure in a row
 * @param maxRetryDelay the longest such wait; a longer {@code Retry-After} is still honoured
 * @param timeout connect and read timeout of each call
 */
public record FileRegistrySettings(Optional<URI> adminModuleUrl, Optional<ServiceAccount> account, Duration retryDelay,
        Duration maxRetryDelay, Duration timeout) {

    public static final FileRegistrySettings OFF = new FileRegistrySettings(Optional.empty(), Optional.empty(),
            Duration.ofMillis(500), Duration.ofMinutes(1), Duration.ofSeconds(10));

    public FileRegistrySettings {
        Objects.requireNonNull(adminModuleUrl, "adminModuleUrl");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
        Objects.requireNonNull(timeout, "timeout");
        if (adminModuleUrl.isPresent() && account.isEmpty()) {
            throw new IllegalArgumentException("the file registry needs a service account");
        }
    }

    public boolean enabled() {
        return adminModuleUrl.isPresent();
    }
}
