package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.clock.ClockParticipants;
import io.artstore.ingester.core.clock.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The settings of transfers and vector clocks: {@code instance.*} and {@code transfer.*}. */
class TransferConfigTest {

    @TempDir
    Path folder;

    @Test
    void the_defaults_generate_a_node_id_and_sweep_every_minute() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());

        assertThat(config.instance().nodeId()).isEmpty();
        assertThat(config.transfer()).isEqualTo(TransferSettings.defaults());
        assertThat(config.transfer().recoveryInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.transfer().parallelism()).isEqualTo(4);
        assertThat(config.storage().transactionsDir()).isEqualTo(Path.of("data", "transactions"));
        assertThat(config.storage().locksDir()).isEqualTo(Path.of("data", "locks"));
        assertThat(config.storage().clockDir()).isEqualTo(Path.of("data", "clock"));
        assertThat(config.storage().nodeIdFile()).isEqualTo(Path.of("data", "node-id"));
    }

    @Test
    void the_file_sets_them_and_the_environment_wins() throws IOException {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), """
                instance:
                  node_id: ingester-eu-1
                transfer:
                  recovery_interval: 5m
                  parallelism: 8
                """);

        IngesterConfig fromFile = ConfigLoader.load(List.of("--config", file.toString()), Map.of());
        IngesterConfig overridden = ConfigLoader.load(List.of("--config", file.toString()),
                Map.of("INGESTER_NODE_ID", "ingester-eu-2", "INGESTER_TRANSFER_RECOVERY_INTERVAL", "90",
                        "INGESTER_TRANSFER_PARALLELISM", "2"));

        assertThat(fromFile.instance().nodeId()).contains(NodeId.of("ingester-eu-1"));
        assertThat(fromFile.transfer()).isEqualTo(new TransferSettings(Duration.ofMinutes(5), 8));
        assertThat(overridden.instance().nodeId()).contains(NodeId.of("ingester-eu-2"));
        assertThat(overridden.transfer()).isEqualTo(new TransferSettings(Duration.ofSeconds(90), 2));
        assertThat(fromFile.describe().get("transfer").toString()).contains("recovery_interval=5m", "parallelism=8");
        assertThat(fromFile.describe().get("instance").toString()).contains("ingester-eu-1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "INGESTER_NODE_ID|-leading-dash|INGESTER_NODE_ID: node id must be",
            "INGESTER_NODE_ID|a:b|INGESTER_NODE_ID: node id must be",
            "INGESTER_TRANSFER_RECOVERY_INTERVAL|soon|INGESTER_TRANSFER_RECOVERY_INTERVAL: must be a duration",
            "INGESTER_TRANSFER_RECOVERY_INTERVAL|50ms|INGESTER_TRANSFER_RECOVERY_INTERVAL: must be at least 100ms",
            "INGESTER_TRANSFER_PARALLELISM|0|INGESTER_TRANSFER_PARALLELISM: must be a whole number from 1 to 64"})
    void a_bad_value_is_named_in_the_error(String variable, String value, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void an_unknown_transfer_key_is_refused() throws IOException {
        Path file = Files.writeString(folder.resolve("typo.yaml"), "transfer:\n  paralellism: 3\n");

        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("transfer.paralellism (in " + file + "): unknown setting");
    }

    @Test
    void clock_participants_and_the_entry_bound_have_defaults_and_can_be_set() throws IOException {
        Path file = Files.writeString(folder.resolve("clock.yaml"), """
                instance:
                  clock_participants: "edge-[0-9]+"
                  clock_max_entries: 16
                """);

        InstanceSettings defaults = ConfigLoader.load(List.of(), Map.of()).instance();
        IngesterConfig fromFile = ConfigLoader.load(List.of("--config", file.toString()), Map.of());
        InstanceSettings overridden = ConfigLoader.load(List.of("--config", file.toString()),
                Map.of("INGESTER_CLOCK_PARTICIPANTS", "ingester-(a|b)", "INGESTER_CLOCK_MAX_ENTRIES", "128")).instance();

        assertThat(defaults.clockParticipants()).isEqualTo(ClockParticipants.DEFAULT_PATTERN);
        assertThat(defaults.clockMaxEntries()).isEqualTo(64);
        assertThat(fromFile.instance().clockParticipants()).isEqualTo("edge-[0-9]+");
        assertThat(fromFile.instance().clockMaxEntries()).isEqualTo(16);
        assertThat(fromFile.describe().get("instance").toString()).contains("clock_participants=edge-[0-9]+",
                "clock_max_entries=16");
        assertThat(overridden.clockParticipants()).isEqualTo("ingester-(a|b)");
        assertThat(overridden.clockMaxEntries()).isEqualTo(128);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "INGESTER_CLOCK_PARTICIPANTS|ingester-(|INGESTER_CLOCK_PARTICIPANTS: not a regular expression",
            "INGESTER_CLOCK_MAX_ENTRIES|0|INGESTER_CLOCK_MAX_ENTRIES: must be a whole number from 1 to 128",
            "INGESTER_CLOCK_MAX_ENTRIES|129|INGESTER_CLOCK_MAX_ENTRIES: must be a whole number from 1 to 128"})
    void a_bad_clock_setting_is_named_in_the_error(String variable, String value, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void no_test_switch_is_a_setting() throws IOException {
        Path file = Files.writeString(folder.resolve("paused.yaml"), """
                transfer:
                  pause_after_decision: 250ms
                """);

        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("transfer.pause_after_decision")
                .hasMessageContaining("unknown setting");
        assertThat(ConfigLoader.load(List.of(), Map.of("INGESTER_TRANSFER_PAUSE_AFTER_DECISION", "120s")).describe()
                .get("transfer").toString()).doesNotContain("pause");
    }
}
