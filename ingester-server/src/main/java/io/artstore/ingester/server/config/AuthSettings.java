package io.artstore.ingester.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Token authentication of clients, and the service account the ingester uses towards remote storage elements.
 *
 * @param publicKeyPath the admin module's RSA public key in PEM form, re-read when it changes
 * @param jwksUrl a JWKS document with the admin module's keys, selected by {@code kid}
 * @param clientSecret a secret: never logged and masked in the status document
 * @param leeway how far token times ({@code exp}, {@code nbf}, {@code iat}) may be off from this machine's clock
 * @param rotationGrace how long the key a new PEM file replaced, or a {@code kid} the JWKS dropped, stays valid
 * @param jwksRefreshInterval the shortest time between two fetches of the JWKS URL on unknown {@code kid}s
 * @param roles role → permission names, replacing the default entry of each role named
 * @param abuse rate limits, blocks and connection limits
 */
public record AuthSettings(boolean enabled, Optional<Path> publicKeyPath, Optional<URI> jwksUrl, Optional<String> clientId,
        Optional<String> clientSecret, Duration leeway, Duration rotationGrace, Duration jwksRefreshInterval,
        Map<String, Set<String>> roles, AbuseSettings abuse) {

    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_ROTATION_GRACE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_JWKS_REFRESH_INTERVAL = Duration.ofSeconds(30);

    public AuthSettings {
        Objects.requireNonNull(publicKeyPath, "publicKeyPath");
        Objects.requireNonNull(jwksUrl, "jwksUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(leeway, "leeway");
        Objects.requireNonNull(rotationGrace, "rotationGrace");
        Objects.requireNonNull(jwksRefreshInterval, "jwksRefreshInterval");
        roles = Map.copyOf(roles);
        Objects.requireNonNull(abuse, "abuse");
    }

    @Override
    public String toString() {
        return "AuthSettings[enabled=" + enabled + ", publicKeyPath=" + publicKeyPath + ", jwksUrl=" + jwksUrl + ", clientId="
                + clientId + ", clientSecret=" + clientSecret.map(secret -> IngesterConfig.MASK) + ", leeway=" + leeway + "]";
    }
}
