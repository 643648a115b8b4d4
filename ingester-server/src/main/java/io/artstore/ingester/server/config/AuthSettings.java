package io.artstore.ingester.server.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Token authentication of clients, and the service account the ingester uses towards remote storage elements.
 *
 * @param clientSecret a secret: never logged and masked in the status document
 */
public record AuthSettings(boolean enabled, Optional<Path> publicKeyPath, Optional<String> clientId,
        Optional<String> clientSecret) {

    public AuthSettings {
        Objects.requireNonNull(publicKeyPath, "publicKeyPath");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
    }

    @Override
    public String toString() {
        return "AuthSettings[enabled=" + enabled + ", publicKeyPath=" + publicKeyPath + ", clientId=" + clientId
                + ", clientSecret=" + clientSecret.map(secret -> IngesterConfig.MASK) + "]";
    }
}
