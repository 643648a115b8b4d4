package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file registry is on when the admin module's URL is known, and uses the service account's credentials. */
class FileRegistryConfigTest {

    @TempDir
    Path folder;

    @Test
    void it_is_off_when_no_admin_module_is_named() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());

        assertThat(config.registry().enabled()).isFalse();
        assertThat(config.describe().get("registry")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("enabled", false).containsEntry("client_secret", null);
    }

    @Test
    void artstores_variable_turns_it_on_with_the_service_accounts_credentials() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("AUTH_ADMIN_MODULE_URL", "http://admin:8000",
                "SERVICE_ACCOUNT_CLIENT_ID", "sa_prod_ingester_01234567", "SERVICE_ACCOUNT_CLIENT_SECRET", "s3cret"));

        assertThat(config.registry().adminModuleUrl()).contains(URI.create("http://admin:8000"));
        assertThat(config.registry().account().orElseThrow().clientId()).isEqualTo("sa_prod_ingester_01234567");
        assertThat(config.storage().serviceAccount().adminModuleUrl()).as("the account's URL falls back to it")
                .contains(URI.create("http://admin:8000"));
        assertThat(config.describe().toString()).doesNotContain("s3cret");
        assertThat(config.describe().get("registry")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("enabled", true).containsEntry("client_secret", IngesterConfig.MASK);
    }

    @Test
    void the_service_accounts_own_url_turns_it_on_too_and_artstores_variable_wins() {
        Map<String, String> account = Map.of("SERVICE_ACCOUNT_CLIENT_ID", "sa_prod_ingester_01234567",
                "SERVICE_ACCOUNT_CLIENT_SECRET", "s3cret", "SERVICE_ACCOUNT_ADMIN_MODULE_URL", "https://auth.example:8443");
        IngesterConfig accountOnly = ConfigLoader.load(List.of(), account);
        Map<String, String> both = new java.util.HashMap<>(account);
        both.put("AUTH_ADMIN_MODULE_URL", "http://admin:8000");
        IngesterConfig withVariable = ConfigLoader.load(List.of(), both);

        assertThat(accountOnly.registry().adminModuleUrl()).contains(URI.create("https://auth.example:8443"));
        assertThat(withVariable.registry().adminModuleUrl()).contains(URI.create("http://admin:8000"));
        assertThat(withVariable.registry().account().orElseThrow().adminModuleUrl()).as("tokens still come from the account's URL")
                .isEqualTo(URI.create("https://auth.example:8443"));
    }

    @Test
    void an_admin_module_without_a_service_account_is_refused_naming_what_is_missing() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("AUTH_ADMIN_MODULE_URL", "http://admin:8000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("AUTH_ADMIN_MODULE_URL: the file registry needs a service account")
                .hasMessageContaining("SERVICE_ACCOUNT_CLIENT_ID");
    }

    @Test
    void retry_delays_and_timeout_are_read_from_the_file_and_checked() throws IOException {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), """
                service_account:
                  client_id: sa_prod_ingester_01234567
                  client_secret: s3cret
                  admin_module_url: http://admin:8000
                registry:
                  retry_delay: 2s
                  max_retry_delay: 5m
                  timeout: 3s
                """);

        FileRegistrySettings registry = ConfigLoader.load(List.of("--config", file.toString()), Map.of()).registry();

        assertThat(registry.retryDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(registry.maxRetryDelay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(registry.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", file.toString()),
                Map.of("INGESTER_REGISTRY_MAX_RETRY_DELAY", "1s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("INGESTER_REGISTRY_MAX_RETRY_DELAY: must be at least registry.retry_delay");
    }
}
