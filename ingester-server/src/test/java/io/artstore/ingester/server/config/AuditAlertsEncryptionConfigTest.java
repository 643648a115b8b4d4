package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditAlertsEncryptionConfigTest {

    @Test
    void audit_alerts_and_encryption_have_safe_defaults() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());

        assertThat(config.audit()).isEqualTo(AuditSettings.DEFAULTS);
        assertThat(config.alerts()).isEqualTo(AlertSettings.DEFAULTS);
        assertThat(config.encryption().enabled()).isFalse();
        assertThat(config.describe()).containsKeys("audit", "alerts", "encryption");
    }

    @Test
    void thresholds_and_keys_are_read_from_variables() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of(
                "INGESTER_AUDIT_CHECKPOINT_EVERY", "7",
                "INGESTER_AUDIT_CHECKPOINT_INTERVAL", "2s",
                "INGESTER_ALERTS_MASS_DELETE_COUNT", "5",
                "INGESTER_ALERTS_MASS_DELETE_WINDOW", "30s",
                "INGESTER_ENCRYPTION_ENABLED", "on",
                "INGESTER_ENCRYPTION_KEYS_DIR", "/etc/ingester/keys",
                "INGESTER_ENCRYPTION_KEY_ID", "k2026"));

        assertThat(config.audit().checkpointEvery()).isEqualTo(7);
        assertThat(config.audit().checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.alerts().massDelete()).isEqualTo(new AlertSettings.Threshold(5, Duration.ofSeconds(30)));
        assertThat(config.encryption().enabled()).isTrue();
        assertThat(config.encryption().keyId()).hasValue("k2026");
    }

    @Test
    void encryption_without_its_keys_stops_start_up_naming_the_setting() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_ENCRYPTION_ENABLED", "on")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("INGESTER_ENCRYPTION_ENABLED").hasMessageContaining("INGESTER_ENCRYPTION_KEYS_DIR");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_ALERTS_UPLOAD_FLOOD_COUNT", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGESTER_ALERTS_UPLOAD_FLOOD_COUNT");
    }
}
