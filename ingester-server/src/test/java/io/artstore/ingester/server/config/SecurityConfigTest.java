package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication, roles and abuse limits as the configuration gives them. */
class SecurityConfigTest {

    @TempDir
    Path folder;

    private Path pem() throws Exception {
        return Files.writeString(folder.resolve("public_key.pem"), "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n");
    }

    @Test
    void authentication_on_needs_a_key_and_takes_artstore_variables() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("AUTH_ENABLED", "on")))
                .hasMessageStartingWith("AUTH_ENABLED: authentication needs the admin module's public key");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("AUTH_ENABLED", "on", "AUTH_PUBLIC_KEY_PATH", "/no/such.pem")))
                .hasMessageStartingWith("AUTH_PUBLIC_KEY_PATH: the public key file");

        AuthSettings auth = ConfigLoader.load(List.of(), Map.of("AUTH_ENABLED", "on", "AUTH_PUBLIC_KEY_PATH", pem().toString(),
                "AUTH_JWKS_URL", "https://admin.example/.well-known/jwks.json", "INGESTER_AUTH_LEEWAY", "10s")).auth();
        assertThat(auth.enabled()).isTrue();
        assertThat(auth.jwksUrl()).isPresent();
        assertThat(auth.leeway()).isEqualTo(Duration.ofSeconds(10));
        assertThat(auth.rotationGrace()).isEqualTo(AuthSettings.DEFAULT_ROTATION_GRACE);
        assertThat(auth.abuse().ipRequestsPerMinute()).as("on with authentication").isEqualTo(1200);
        assertThat(ConfigLoader.load(List.of(), Map.of()).auth().abuse().ipRequestsPerMinute()).as("off without").isZero();
    }

    @Test
    void roles_come_from_the_file_or_the_variable_and_name_known_permissions_only() throws Exception {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), """
                auth:
                  roles:
                    user: [files:read]
                    uploader: "files:upload files:read"
                limits:
                  trusted_proxies: "10.0.0.0/8, 192.0.2.1"
                  block_duration: 5m
                server:
                  request_header_timeout: 3s
                  max_request_header_size: 32KiB
                """);
        IngesterConfig config = ConfigLoader.load(List.of("--config", file.toString()), Map.of());
        assertThat(config.auth().roles()).isEqualTo(Map.of("user", Set.of("files:read"), "uploader", Set.of("files:upload", "files:read")));
        assertThat(config.auth().abuse().trustedProxies()).containsExactly("10.0.0.0/8", "192.0.2.1");
        assertThat(config.auth().abuse().blockDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.auth().abuse().requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.auth().abuse().maxRequestHeaderBytes()).isEqualTo(32 * 1024);
        assertThat(config.describe().get("limits")).asString().contains("trusted_proxies=[10.0.0.0/8, 192.0.2.1]");

        IngesterConfig fromEnv = ConfigLoader.load(List.of(), Map.of("INGESTER_AUTH_ROLES", "readonly=;auditor=files:read sagas:read"));
        assertThat(fromEnv.auth().roles()).isEqualTo(Map.of("readonly", Set.of(), "auditor", Set.of("files:read", "sagas:read")));

        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_AUTH_ROLES", "user=files:everything")))
                .hasMessageStartingWith("INGESTER_AUTH_ROLES: unknown permission 'files:everything'");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_TRUSTED_PROXIES", "proxy.example")))
                .hasMessageStartingWith("INGESTER_TRUSTED_PROXIES: 'proxy.example' is not an IP address");
    }
}
