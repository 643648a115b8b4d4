package io.artstore.ingester.kafka.tasks;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The tasks topic and the group of workers that share it.
 *
 * @param clientProperties more Kafka client settings (security protocol, SASL, consumer tuning)
 * @param retryDelay how long a task that may succeed later waits before it is run again
 */
public record KafkaTaskSettings(String bootstrapServers, Map<String, Object> clientProperties, String topic, String groupId,
        Duration retryDelay) {

    public static final String DEFAULT_TOPIC = "artstore.ingester.tasks";
    public static final String DEFAULT_GROUP_ID = "artstore-ingester-tasks";
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(5);

    public KafkaTaskSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        clientProperties = Map.copyOf(clientProperties);
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(retryDelay, "retryDelay");
        if (bootstrapServers.isBlank() || topic.isBlank() || groupId.isBlank()) {
            throw new IllegalArgumentException("the task workers need bootstrap servers, a topic and a group id");
        }
    }

    public static KafkaTaskSettings of(String bootstrapServers, Map<String, Object> clientProperties) {
        return new KafkaTaskSettings(bootstrapServers, clientProperties, DEFAULT_TOPIC, DEFAULT_GROUP_ID, DEFAULT_RETRY_DELAY);
    }
}
