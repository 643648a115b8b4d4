package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.kafka.KafkaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kafka.*}: on only with bootstrap servers; security, SASL, topics and the outbox's bound. */
class KafkaConfigTest {

    @TempDir
    Path folder;

    @Test
    void withoutBootstrapServersKafkaIsOffAndTheOutboxKeepsItsDefaultBound() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());

        assertThat(config.events().kafka()).isEmpty();
        assertThat(config.events().outboxMaxEvents()).isEqualTo(EventSettings.DEFAULT_OUTBOX_MAX_EVENTS);
        assertThat(config.describe()).doesNotContainKey("kafka");
    }

    @Test
    void bootstrapServersTurnKafkaOnWithPlaintextAndTheDefaultTopics() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"));

        KafkaSettings kafka = config.events().kafka().orElseThrow();
        assertThat(kafka.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(kafka.securityProtocol()).isEqualTo("PLAINTEXT");
        assertThat(kafka.saslMechanism()).isEmpty();
        assertThat(kafka.saslJaasConfig()).isEmpty();
        assertThat(kafka.topics()).isEqualTo(new KafkaSettings.Topics("artstore.ingester.file-events",
                "artstore.ingester.audit", "artstore.ingester.alerts"));
        assertThat(kafka.producerProperties()).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("bootstrap.servers", "k1:9092,k2:9092").containsEntry("security.protocol", "PLAINTEXT");
    }

    @Test
    void saslCredentialsBecomeTheMechanismsJaasLineMaskedInTheDescription() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", "k1:9093",
                "KAFKA_SECURITY_PROTOCOL", "sasl_ssl", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_USERNAME", "ingester", "KAFKA_SASL_PASSWORD", "p\"w", "KAFKA_TOPIC_FILE_EVENTS", "files.v1",
                "INGESTER_OUTBOX_MAX_EVENTS", "5000"));

        KafkaSettings kafka = config.events().kafka().orElseThrow();
        assertThat(kafka.securityProtocol()).isEqualTo("SASL_SSL");
        assertThat(kafka.saslMechanism()).contains("SCRAM-SHA-512");
        assertThat(kafka.saslJaasConfig()).contains(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ingester\" password=\"p\\\"w\";");
        assertThat(kafka.topics().fileEvents()).isEqualTo("files.v1");
        assertThat(kafka.producerProperties()).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(config.events().outboxMaxEvents()).isEqualTo(5000);
        assertThat(config.describe().toString()).contains("bootstrap_servers=k1:9093", "sasl_jaas_config=********")
                .doesNotContain("p\"w");
        assertThat(kafka.toString()).doesNotContain("p\"w");
    }

    @Test
    void aJaasLineInTheFileWinsAndThePlainMechanismIsAssumed() throws IOException {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), """
                kafka:
                  bootstrap_servers: k1:9093
                  security_protocol: SASL_PLAINTEXT
                  sasl:
                    jaas_config: org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b";
                  topics:
                    audit: audit.v1
                """);

        KafkaSettings kafka = ConfigLoader.load(List.of("--config", file.toString()), Map.of()).events().kafka().orElseThrow();

        assertThat(kafka.saslMechanism()).contains("PLAIN");
        assertThat(kafka.saslJaasConfig().orElseThrow()).startsWith("org.apache.kafka.common.security.plain.PlainLoginModule");
        assertThat(kafka.topics().audit()).isEqualTo("audit.v1");
    }

    @Test
    void badSettingsStopStartUpNamingTheVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
                "KAFKA_SECURITY_PROTOCOL", "TLS"))).isInstanceOf(ConfigException.class).hasMessageContaining("KAFKA_SECURITY_PROTOCOL");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL"))).isInstanceOf(ConfigException.class).hasMessageContaining("credentials");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
                "KAFKA_SASL_USERNAME", "only"))).isInstanceOf(ConfigException.class).hasMessageContaining("KAFKA_SASL_USERNAME");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
                "KAFKA_TOPIC_ALERTS", "bad topic"))).isInstanceOf(ConfigException.class).hasMessageContaining("KAFKA_TOPIC_ALERTS");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_OUTBOX_MAX_EVENTS", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGESTER_OUTBOX_MAX_EVENTS");
    }
}
