package io.artstore.ingester.server.config;

import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The service account whose tokens remote storage elements accept, as the ArtStore ingester configures it
 * ({@code SERVICE_ACCOUNT_CLIENT_ID}, {@code _CLIENT_SECRET}, {@code _ADMIN_MODULE_URL}). Elements without a
 * token or service account of their own use it; each may also override parts of it.
 *
 * @param source the setting the first given value came from, for messages
 */
public record ServiceAccountSettings(Optional<String> clientId, Optional<String> clientSecret,
        Optional<URI> adminModuleUrl, Optional<String> source) {

    public static final ServiceAccountSettings NONE =
            new ServiceAccountSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public ServiceAccountSettings {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(adminModuleUrl, "adminModuleUrl");
        Objects.requireNonNull(source, "source");
    }

    public boolean isEmpty() {
        return clientId.isEmpty() && clientSecret.isEmpty() && adminModuleUrl.isEmpty();
    }

    /** The account when all three parts are given. */
    public Optional<ServiceAccount> complete() {
        if (clientId.isEmpty() || clientSecret.isEmpty() || adminModuleUrl.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ServiceAccount(clientId.get(), clientSecret.get(), adminModuleUrl.get()));
    }

    @Override
    public String toString() {
        return "ServiceAccountSettings[clientId=" + clientId + ", clientSecret=" + clientSecret.map(s -> IngesterConfig.MASK)
                + ", adminModuleUrl=" + adminModuleUrl + "]";
    }
}
