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

/** Traces and detection settings: the OpenTelemetry variables, the file's keys, the environment winning. */
class TracingConfigTest {

    @TempDir
    Path folder;

    @Test
    void traces_are_off_by_default_and_detection_on_with_its_documented_thresholds() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());
        assertThat(config.tracing()).isEqualTo(TracingSettings.OFF);
        assertThat(config.tracing().serviceName()).isEqualTo("artstore-ingester");
        assertThat(config.detection()).isEqualTo(DetectionSettings.DEFAULTS);
        assertThat(config.describe()).containsKeys("tracing", "detection");
    }

    @Test
    void the_otel_variables_win_over_the_file() throws IOException {
        Path file = folder.resolve("ingester.yaml");
        Files.writeString(file, """
                tracing:
                  exporter: none
                  endpoint: http://file-collector:4318
                  protocol: http/protobuf
                  service_name: from-file
                detection:
                  latency_factor: 5
                  window_time: 30s
                """);
        IngesterConfig fromFile = ConfigLoader.load(List.of("--config", file.toString()), Map.of());
        assertThat(fromFile.tracing().endpoint()).contains(URI.create("http://file-collector:4318"));
        assertThat(fromFile.tracing().serviceName()).isEqualTo("from-file");
        assertThat(fromFile.detection().latencyFactor()).isEqualTo(5.0);
        assertThat(fromFile.detection().windowTime()).isEqualTo(Duration.ofSeconds(30));

        IngesterConfig config = ConfigLoader.load(List.of("--config", file.toString()), Map.of(
                "OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://env-collector:4317",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_SERVICE_NAME", "from-env",
                "INGESTER_DETECTION_LATENCY_FACTOR", "2.5"));
        assertThat(config.tracing()).isEqualTo(new TracingSettings(TracingSettings.Exporter.OTLP,
                java.util.Optional.of(URI.create("http://env-collector:4317")), TracingSettings.Protocol.GRPC, "from-env"));
        assertThat(config.detection().latencyFactor()).isEqualTo(2.5);
    }

    @Test
    void a_wrong_value_names_its_variable() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("OTEL_TRACES_EXPORTER", "zipkin")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OTEL_TRACES_EXPORTER");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_DETECTION_LATENCY_FACTOR", "0.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGESTER_DETECTION_LATENCY_FACTOR");
    }
}
