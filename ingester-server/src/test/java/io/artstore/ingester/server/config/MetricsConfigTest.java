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

/** {@code metrics.enabled} and {@code metrics.public}: metrics on and private by default. */
class MetricsConfigTest {

    @TempDir
    Path folder;

    @Test
    void metrics_are_on_and_private_by_default() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());

        assertThat(config.metrics()).isEqualTo(new MetricsSettings(true, false));
        assertThat(config.describe().get("metrics")).isEqualTo(Map.of("enabled", true, "public", false));
    }

    @Test
    void the_file_sets_them_and_the_variables_win() throws IOException {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), """
                metrics:
                  enabled: off
                  public: on
                """);

        IngesterConfig fromFile = ConfigLoader.load(List.of("--config", file.toString()), Map.of());
        IngesterConfig overridden = ConfigLoader.load(List.of("--config", file.toString()),
                Map.of("INGESTER_METRICS_ENABLED", "on", "INGESTER_METRICS_PUBLIC", "off"));

        assertThat(fromFile.metrics()).isEqualTo(new MetricsSettings(false, true));
        assertThat(overridden.metrics()).isEqualTo(new MetricsSettings(true, false));
    }

    @Test
    void a_value_that_is_not_on_or_off_names_the_variable() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_METRICS_PUBLIC", "sometimes")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("INGESTER_METRICS_PUBLIC: must be on/off");
    }
}
