package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    @TempDir
    Path folder;

    @Test
    void no_configuration_at_all_means_the_embedded_defaults() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("HOME", "/root"));

        assertThat(config.defaultsOnly()).isTrue();
        assertThat(config.sourceFile()).isEmpty();
        assertThat(config.server()).isEqualTo(new ServerSettings("127.0.0.1", 8020));
        assertThat(config.auth().enabled()).isFalse();
        assertThat(config.storage().dataDir()).isEqualTo(Path.of("data"));
        assertThat(config.storage().elements()).containsExactly(
                new StorageElementSettings(io.artstore.ingester.core.domain.StorageElementId.of("local-edit"), Mode.EDIT,
                        StorageElementSettings.Type.LOCAL, Path.of("data", "storage", "local-edit"), 100, OptionalLong.empty()),
                new StorageElementSettings(io.artstore.ingester.core.domain.StorageElementId.of("local-rw"), Mode.RW,
                        StorageElementSettings.Type.LOCAL, Path.of("data", "storage", "local-rw"), 100, OptionalLong.empty()));
        assertThat(config.upload().maxFileBytes()).isEqualTo(10L * 1024 * 1024 * 1024);
        assertThat(config.compression()).isEqualTo(new CompressionSettings(false, CompressionAlgorithm.BROTLI, 1, 1));
        assertThat(config.logging().format()).isEqualTo(LoggingSettings.Format.TEXT);
        assertThat(config.logging().level()).isEqualTo("INFO");
        assertThat(config.logging().file()).isEmpty();
    }

    @Test
    void a_file_sets_everything_and_the_environment_wins_over_it() throws IOException {
        Path file = yaml("""
                server:
                  host: 0.0.0.0
                  port: 9000
                logging:
                  level: debug
                  format: json
                  file: /var/log/ingester.log
                  max_file_size: 10MB
                  max_history_days: 7
                storage:
                  data_dir: /srv/ingester
                  elements:
                    - id: se-edit
                      mode: edit
                      type: local
                      path: /srv/se-edit
                      priority: 10
                      capacity_bytes: 5GiB
                    - id: se-rw
                      mode: rw
                upload:
                  max_file_size: 1GiB
                compression:
                  enabled_by_default: on
                  default_algorithm: gzip
                  brotli_quality: 4
                  gzip_level: 6
                """);

        IngesterConfig config = ConfigLoader.load(List.of("--config", file.toString()),
                Map.of("APP_PORT", "9100", "INGESTER_COMPRESSION_GZIP_LEVEL", "2"));

        assertThat(config.defaultsOnly()).isFalse();
        assertThat(config.sourceFile()).contains(file);
        assertThat(config.server()).isEqualTo(new ServerSettings("0.0.0.0", 9100));
        assertThat(config.logging()).isEqualTo(new LoggingSettings("DEBUG", LoggingSettings.Format.JSON,
                java.util.Optional.of(Path.of("/var/log/ingester.log")), 10_000_000, 7));
        assertThat(config.storage().dataDir()).isEqualTo(Path.of("/srv/ingester"));
        assertThat(config.storage().elements()).hasSize(2);
        StorageElementSettings edit = config.storage().elements().get(0);
        assertThat(edit.path()).isEqualTo(Path.of("/srv/se-edit"));
        assertThat(edit.priority()).isEqualTo(10);
        assertThat(edit.capacityBytes()).hasValue(5L << 30);
        StorageElementSettings rw = config.storage().elements().get(1);
        assertThat(rw.mode()).isEqualTo(Mode.RW);
        assertThat(rw.path()).as("defaults under the data folder").isEqualTo(Path.of("/srv/ingester/storage/se-rw"));
        assertThat(rw.priority()).isEqualTo(100);
        assertThat(config.upload().maxFileBytes()).isEqualTo(1L << 30);
        assertThat(config.compression()).isEqualTo(new CompressionSettings(true, CompressionAlgorithm.GZIP, 4, 2));
    }

    @Test
    void the_artstore_variable_names_are_accepted_with_on_and_off() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of(
                "APP_HOST", "0.0.0.0", "APP_PORT", "8021", "LOG_LEVEL", "WARNING", "LOG_FORMAT", "json",
                "LOG_FILE", "/tmp/ingester.log", "AUTH_ENABLED", "off", "MAX_FILE_SIZE", "1048576",
                "INGESTER_COMPRESSION_ENABLED_BY_DEFAULT", "on"));

        assertThat(config.defaultsOnly()).isFalse();
        assertThat(config.server()).isEqualTo(new ServerSettings("0.0.0.0", 8021));
        assertThat(config.logging().level()).isEqualTo("WARN");
        assertThat(config.logging().format()).isEqualTo(LoggingSettings.Format.JSON);
        assertThat(config.logging().file()).contains(Path.of("/tmp/ingester.log"));
        assertThat(config.auth().enabled()).isFalse();
        assertThat(config.upload().maxFileBytes()).isEqualTo(1_048_576);
        assertThat(config.compression().enabledByDefault()).isTrue();
    }

    @Test
    void the_artstore_name_wins_over_the_ingester_name() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("APP_PORT", "8021", "INGESTER_PORT", "8022"));

        assertThat(config.server().port()).isEqualTo(8021);
    }

    @Test
    void the_file_may_be_named_by_a_variable() throws IOException {
        Path file = yaml("server:\n  port: 9300\n");

        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("INGESTER_CONFIG", file.toString()));

        assertThat(config.server().port()).isEqualTo(9300);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "APP_PORT|abc|APP_PORT: must be a whole number from 0 to 65535, got 'abc'",
            "APP_PORT|70000|APP_PORT: must be a whole number from 0 to 65535",
            "AUTH_ENABLED|maybe|AUTH_ENABLED: must be on/off",
            "AUTH_ENABLED|on|AUTH_ENABLED: authentication needs the admin module's public key",
            "LOG_FORMAT|xml|LOG_FORMAT: must be one of [json, text], got 'xml'",
            "LOG_LEVEL|LOUD|LOG_LEVEL: must be one of",
            "MAX_FILE_SIZE|0|MAX_FILE_SIZE: must be a size of at least 1 byte",
            "MAX_FILE_SIZE|ten gigs|MAX_FILE_SIZE: must be a size",
            "INGESTER_COMPRESSION_DEFAULT_ALGORITHM|zstd|INGESTER_COMPRESSION_DEFAULT_ALGORITHM: compression_algorithm must be 'gzip' or 'brotli'",
            "INGESTER_COMPRESSION_BROTLI_QUALITY|12|INGESTER_COMPRESSION_BROTLI_QUALITY: must be a whole number from 0 to 11",
            "INGESTER_COMPRESSION_GZIP_LEVEL|0|INGESTER_COMPRESSION_GZIP_LEVEL: must be a whole number from 1 to 9",
            "INGESTER_CONFIG|/no/such/file.yaml|INGESTER_CONFIG: the configuration file /no/such/file.yaml does not exist"})
    void a_bad_variable_is_named_in_the_error(String variable, String value, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((ConfigException) e).setting()).isEqualTo(variable));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'server:\n  port: high\n'|server.port",
            "'server:\n  prot: 80\n'|server.prot",
            "'storage:\n  elements:\n    - id: a\n      mode: write\n'|storage.elements[0].mode",
            "'storage:\n  elements:\n    - mode: edit\n'|storage.elements[0].id",
            "'storage:\n  elements:\n    - id: a\n      mode: edit\n      type: s3\n'|storage.elements[0].type",
            "'storage:\n  elements:\n    - id: a\n      mode: edit\n      size: 3\n'|storage.elements[0].size",
            "'storage:\n  elements:\n    - id: a\n      mode: edit\n    - id: a\n      mode: rw\n'|storage.elements",
            "'storage:\n  elements: []\n'|storage.elements",
            "'upload:\n  max_file_size: [1]\n'|upload.max_file_size"})
    void a_bad_file_key_is_named_in_the_error(String text, String setting) throws IOException {
        Path file = yaml(text);

        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(setting + " (in " + file + "): ");
    }

    @Test
    void a_file_that_is_not_yaml_or_missing_is_refused() throws IOException {
        Path broken = yaml("server: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", broken.toString()), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--config: ");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--port", "1"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--port: unknown argument");
    }

    @Test
    void signing_and_sagas_are_set_by_the_file_and_the_environment() throws IOException {
        Path file = yaml("""
                signing:
                  default: on
                  algorithm: rsa-sha256
                  keystore:
                    path: /etc/ingester/signing.p12
                    alias: ingester
                sagas:
                  instance_id: ingester-a
                  lease: 45m
                  recovery_interval: 30s
                  add_timeout: PT2H
                """);

        IngesterConfig config = ConfigLoader.load(List.of("--config", file.toString()), Map.of(
                "INGESTER_SIGNING_KEYSTORE_PASSWORD", "changeit", "INGESTER_SAGAS_DELETE_TIMEOUT", "90s",
                "INGESTER_SAGAS_MAX_RETRY_WAIT", "0s"));

        assertThat(config.signing()).isEqualTo(new SigningSettings(true, SignatureAlgorithm.RSA_SHA256,
                Optional.of(Path.of("/etc/ingester/signing.p12")), Optional.of("changeit"), "ingester", Optional.empty(),
                Optional.empty()));
        assertThat(config.signing().source()).isEqualTo("keystore");
        assertThat(config.sagas()).isEqualTo(new SagaSettings(Optional.of("ingester-a"), Duration.ofMinutes(45),
                Duration.ofSeconds(30), Duration.ofHours(2), Duration.ofSeconds(90), Duration.ZERO));
    }

    @Test
    void signing_and_sagas_have_embedded_defaults() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());

        assertThat(config.signing().signByDefault()).isFalse();
        assertThat(config.signing().source()).isEqualTo("embedded");
        assertThat(config.sagas()).isEqualTo(new SagaSettings(Optional.empty(), SagaSettings.DEFAULT_LEASE,
                SagaSettings.DEFAULT_RECOVERY_INTERVAL, SagaSettings.DEFAULT_ADD_TIMEOUT, SagaSettings.DEFAULT_DELETE_TIMEOUT,
                SagaSettings.DEFAULT_MAX_RETRY_WAIT));
    }

    @Test
    void a_bad_duration_or_a_signing_service_without_a_token_is_refused() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_SAGAS_LEASE", "0s")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("INGESTER_SAGAS_LEASE: must be a duration").hasMessageContaining("more than zero");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_SAGAS_RECOVERY_INTERVAL", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("INGESTER_SAGAS_RECOVERY_INTERVAL: ");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_SIGNING_SERVICE_URL", "https://signer.example")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGESTER_SIGNING_SERVICE_TOKEN");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_SIGNING_ALGORITHM", "md5")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("INGESTER_SIGNING_ALGORITHM: ");
    }

    @Test
    void signing_secrets_are_masked_too() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("INGESTER_SIGNING_SERVICE_URL", "https://signer.example",
                "INGESTER_SIGNING_SERVICE_TOKEN", "t0ken-s3cret", "INGESTER_SIGNING_KEYSTORE_PASSWORD", "p4ss-s3cret"));

        assertThat(config.signing().source()).isEqualTo("service");
        assertThat(config.describe().toString()).doesNotContain("t0ken-s3cret").doesNotContain("p4ss-s3cret");
        assertThat(config.toString()).doesNotContain("t0ken-s3cret").doesNotContain("p4ss-s3cret");
    }

    @Test
    void secrets_are_masked_when_the_configuration_is_described() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("INGESTER_AUTH_CLIENT_SECRET", "hunter2"));

        assertThat(config.describe().toString()).doesNotContain("hunter2").contains(IngesterConfig.MASK);
        assertThat(config.toString()).doesNotContain("hunter2");
    }

    private Path yaml(String text) throws IOException {
        return Files.writeString(Files.createTempFile(folder, "config", ".yaml"), text);
    }
}
