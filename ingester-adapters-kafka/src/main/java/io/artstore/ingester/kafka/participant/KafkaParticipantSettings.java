package io.artstore.ingester.kafka.participant;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the saga participant reads its commands and writes its replies.
 *
 * @param clientProperties more Kafka client settings for both consumer and producer (security protocol, SASL)
 * @param groupId the consumer group every instance joins, so that each command goes to one of them
 * @param retryDelay how long a command answered {@code in_progress} waits before it is handled again
 */
public record KafkaParticipantSettings(String bootstrapServers, Map<String, Object> clientProperties, String commandsTopic,
        String repliesTopic, String groupId, Duration retryDelay) {

    public static final String DEFAULT_COMMANDS_TOPIC = "artstore.saga.commands.ingester";
    public static final String DEFAULT_REPLIES_TOPIC = "artstore.saga.replies";
    public static final String DEFAULT_GROUP_ID = "artstore-ingester-saga-participant";
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);

    public KafkaParticipantSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        clientProperties = Map.copyOf(clientProperties);
        Objects.requireNonNull(commandsTopic, "commandsTopic");
        Objects.requireNonNull(repliesTopic, "repliesTopic");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(retryDelay, "retryDelay");
        if (bootstrapServers.isBlank() || commandsTopic.isBlank() || repliesTopic.isBlank() || groupId.isBlank()) {
            throw new IllegalArgumentException("the participant needs bootstrap servers, topics and a group id");
        }
    }

    /** The default topics and group. */
    public static KafkaParticipantSettings of(String bootstrapServers, Map<String, Object> clientProperties) {
        return new KafkaParticipantSettings(bootstrapServers, clientProperties, DEFAULT_COMMANDS_TOPIC, DEFAULT_REPLIES_TOPIC,
                DEFAULT_GROUP_ID, DEFAULT_RETRY_DELAY);
    }

    public KafkaParticipantSettings withTopics(String commands, String replies) {
        return new KafkaParticipantSettings(bootstrapServers, clientProperties, commands, replies, groupId, retryDelay);
    }

    public KafkaParticipantSettings withGroupId(String group) {
        return new KafkaParticipantSettings(bootstrapServers, clientProperties, commandsTopic, repliesTopic, group, retryDelay);
    }

    public KafkaParticipantSettings withRetryDelay(Duration delay) {
        return new KafkaParticipantSettings(bootstrapServers, clientProperties, commandsTopic, repliesTopic, groupId, delay);
    }
}
