package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.server.config.LoggingSettings;
import io.artstore.ingester.server.saga.SagaMonitor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogSetupTest {

    private static final Logger LOG = LoggerFactory.getLogger("io.artstore.ingester.sagas");

    @TempDir
    Path folder;

    @AfterEach
    void back_to_the_default_text_console() {
        LogSetup.apply(new LoggingSettings("INFO", LoggingSettings.Format.TEXT, Optional.empty(), 100L * 1024 * 1024, 30));
    }

    @Test
    void a_json_line_carries_the_structured_fields_at_its_top_and_an_iso_8601_utc_timestamp() throws IOException {
        Path file = folder.resolve("ingester.log");
        LogSetup.apply(new LoggingSettings("INFO", LoggingSettings.Format.JSON, Optional.of(file), 100L * 1024 * 1024, 30));

        LOG.atInfo().setMessage("saga step").addKeyValue("saga_id", "5b0e…").addKeyValue("file_id", "0b7e6f3c")
                .addKeyValue("attempt", 2).log();

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.path("saga_id").asText()).as(lines.get(0)).isEqualTo("5b0e…");
        assertThat(line.path("file_id").asText()).isEqualTo("0b7e6f3c");
        assertThat(line.path("attempt").isInt()).as("a number stays a number").isTrue();
        assertThat(line.path("attempt").asInt()).isEqualTo(2);
        assertThat(line.path("message").asText()).isEqualTo("saga step");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("logger_name").asText()).isEqualTo("io.artstore.ingester.sagas");
        String timestamp = line.path("@timestamp").asText();
        assertThat(timestamp).as(lines.get(0)).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(Instant.parse(timestamp)).isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    @Test
    void the_saga_monitors_line_of_a_saga_end_carries_saga_id_and_file_id_at_its_top() throws IOException {
        Path file = folder.resolve("ingester.log");
        LogSetup.apply(new LoggingSettings("INFO", LoggingSettings.Format.JSON, Optional.of(file), 100L * 1024 * 1024, 30));
        Instant at = Instant.parse("2026-11-26T10:15:00Z");

        new SagaMonitor(List.of()).recorded(new SagaRecord(new SagaId("4490482d-870e-4f9b-9ff4-40bae92bb3fc"), "add-file", 9,
                SagaRecord.Kind.SAGA_COMPLETED, SagaRecord.NO_STEP, 0, at, "ingester-a", at.plusSeconds(60),
                Map.of("file_id", "0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b"), Optional.empty()));

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.path("saga_id").asText()).as(lines.get(0)).isEqualTo("4490482d-870e-4f9b-9ff4-40bae92bb3fc");
        assertThat(line.path("file_id").asText()).isEqualTo("0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
        assertThat(line.path("saga_type").asText()).isEqualTo("add-file");
        assertThat(line.path("outcome").asText()).isEqualTo("completed");
        assertThat(line.has("kvpList")).isFalse();
        assertThat(Instant.parse(line.path("@timestamp").asText())).isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    @Test
    void a_text_line_ends_with_its_fields_as_key_value_pairs() throws IOException {
        Path file = folder.resolve("ingester.log");
        LogSetup.apply(new LoggingSettings("INFO", LoggingSettings.Format.TEXT, Optional.of(file), 100L * 1024 * 1024, 30));

        LOG.atInfo().setMessage("saga step").addKeyValue("saga_id", "5b0e").addKeyValue("file_id", "0b7e6f3c").log();

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z INFO  \\[.*\\] "
                + "io\\.artstore\\.ingester\\.sagas - saga step saga_id=\"5b0e\" file_id=\"0b7e6f3c\"");
    }
}
