package io.artstore.ingester.kafka;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How to reach the brokers and which topics to write.
 *
 * @param securityProtocol {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
 * @param saslMechanism e.g. {@code PLAIN}, {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512}
 * @param saslJaasConfig the JAAS line for the SASL login; a secret
 */
public record KafkaSettings(String bootstrapServers, String securityProtocol, Optional<String> saslMechanism,
        Optional<String> saslJaasConfig, Topics topics, String clientId) {

    public static final String DEFAULT_FILE_EVENTS_TOPIC = "artstore.ingester.file-events";
    public static final String DEFAULT_AUDIT_TOPIC = "artstore.ingester.audit";
    public static final String DEFAULT_ALERTS_TOPIC = "artstore.ingester.alerts";

    /** The topics written: file events, audit records and checkpoints, security alerts. */
    public record Topics(String fileEvents, String audit, String alerts) {

        public static final Topics DEFAULTS = new Topics(DEFAULT_FILE_EVENTS_TOPIC, DEFAULT_AUDIT_TOPIC, DEFAULT_ALERTS_TOPIC);

        public Topics {
            Objects.requireNonNull(fileEvents, "fileEvents");
            Objects.requireNonNull(audit, "audit");
            Objects.requireNonNull(alerts, "alerts");
        }
    }

    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(securityProtocol, "securityProtocol");
        Objects.requireNonNull(saslMechanism, "saslMechanism");
        Objects.requireNonNull(saslJaasConfig, "saslJaasConfig");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(clientId, "clientId");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("no bootstrap servers");
        }
    }

    /** A plaintext connection to {@code bootstrapServers} with the default topics. */
    public static KafkaSettings plaintext(String bootstrapServers, String clientId) {
        return new KafkaSettings(bootstrapServers, "PLAINTEXT", Optional.empty(), Optional.empty(), Topics.DEFAULTS, clientId);
    }

    public KafkaSettings withTopics(Topics other) {
        return new KafkaSettings(bootstrapServers, securityProtocol, saslMechanism, saslJaasConfig, other, clientId);
    }

    /**
     * The JAAS line for a user name and password: SCRAM's login module for {@code SCRAM-*}, the plain one otherwise.
     */
    public static String jaasLine(String mechanism, String username, String password) {
        String module = mechanism.toUpperCase(Locale.ROOT).startsWith("SCRAM-")
                ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                : "org.apache.kafka.common.security.plain.PlainLoginModule";
        return module + " required username=\"" + escape(username) + "\" password=\"" + escape(password) + "\";";
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * The producer's configuration: idempotent ({@code enable.idempotence}, {@code acks=all}), so that a retry
     * inside the client never writes a record twice nor out of order within a partition.
     */
    public Map<String, Object> producerProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol);
        saslMechanism.ifPresent(mechanism -> properties.put(SaslConfigs.SASL_MECHANISM, mechanism));
        saslJaasConfig.ifPresent(jaas -> properties.put(SaslConfigs.SASL_JAAS_CONFIG, jaas));
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // Never give a record up: a batch that expired while a later batch of the same partition still went
        // through would put a file's later event first. While the broker is away the client retries, the relay
        // waits and the events wait in the outbox; closing the sender ends the wait, and so does the sender's own
        // bound on how long a batch waits (a new producer then sends the batch again).
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        properties.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return properties;
    }

    /** Safe to log: the JAAS line, which holds the password, is masked. */
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", securityProtocol=" + securityProtocol
                + ", saslMechanism=" + saslMechanism.orElse("-") + ", saslJaasConfig=" + saslJaasConfig.map(j -> "********").orElse("-")
                + ", topics=" + topics + ", clientId=" + clientId + "]";
    }
}
