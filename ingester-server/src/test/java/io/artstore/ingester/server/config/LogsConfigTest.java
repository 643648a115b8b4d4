package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code logs.salvage}: what start-up does with an embedded log damaged before its tail. */
class LogsConfigTest {

    @TempDir
    Path folder;

    @Test
    void damaged_logs_stop_start_up_unless_salvage_is_turned_on() throws IOException {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), """
                logs:
                  salvage: on
                """);

        assertThat(ConfigLoader.load(List.of(), Map.of()).storage().salvageLogs()).isFalse();
        assertThat(ConfigLoader.load(List.of("--config", file.toString()), Map.of()).storage().salvageLogs()).isTrue();
        IngesterConfig fromVariable = ConfigLoader.load(List.of(), Map.of("INGESTER_LOGS_SALVAGE", "on"));
        assertThat(fromVariable.storage().salvageLogs()).isTrue();
        assertThat(fromVariable.describe().get("logs")).isEqualTo(Map.of("salvage", true));
    }
}
