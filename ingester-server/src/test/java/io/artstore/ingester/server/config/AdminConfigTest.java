package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code admin.enabled_without_auth}: the admin API without authentication, for trusted networks only. */
class AdminConfigTest {

    @TempDir
    Path folder;

    @Test
    void the_admin_api_is_off_without_authentication_by_default() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());

        assertThat(config.admin().enabledWithoutAuth()).isFalse();
        assertThat(config.describe().get("admin")).isEqualTo(Map.of("enabled_without_auth", false));
    }

    @Test
    void the_file_turns_it_on_and_the_variable_wins_over_the_file() throws IOException {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), """
                admin:
                  enabled_without_auth: on
                """);

        IngesterConfig fromFile = ConfigLoader.load(List.of("--config", file.toString()), Map.of());
        IngesterConfig overridden = ConfigLoader.load(List.of("--config", file.toString()),
                Map.of("INGESTER_ADMIN_ENABLED_WITHOUT_AUTH", "off"));
        IngesterConfig fromVariable = ConfigLoader.load(List.of(), Map.of("INGESTER_ADMIN_ENABLED_WITHOUT_AUTH", "true"));

        assertThat(fromFile.admin().enabledWithoutAuth()).isTrue();
        assertThat(fromFile.describe().get("admin")).isEqualTo(Map.of("enabled_without_auth", true));
        assertThat(overridden.admin().enabledWithoutAuth()).isFalse();
        assertThat(fromVariable.admin().enabledWithoutAuth()).isTrue();
        assertThat(fromVariable.defaultsOnly()).as("the variable counts as configuration").isFalse();
    }

    @Test
    void a_value_that_is_not_on_or_off_names_the_variable_or_key() throws IOException {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), """
                admin:
                  enabled_without_auth: sometimes
                """);

        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_ADMIN_ENABLED_WITHOUT_AUTH", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("INGESTER_ADMIN_ENABLED_WITHOUT_AUTH: must be on/off");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("admin.enabled_without_auth (in " + file + "): must be on/off");
    }

    @Test
    void a_misspelt_admin_key_is_refused() throws IOException {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), """
                admin:
                  enabled: on
                """);

        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("admin.enabled (in " + file + "): unknown setting");
    }
}
