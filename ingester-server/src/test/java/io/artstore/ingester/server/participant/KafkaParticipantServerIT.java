package io.artstore.ingester.server.participant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.kafka.fixture.KafkaBrokerExtension;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server with Kafka configured: a delete command from the commands topic, its reply on the replies topic. */
class KafkaParticipantServerIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_delete_command_on_the_topic_deletes_the_file_once_and_is_answered_once() throws Exception {
        String commands = "commands-" + UUID.randomUUID();
        String replies = "replies-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(commands, 1, (short) 1), new NewTopic(replies, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (TestServer server = TestServer.builder().env("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers())
                .env("KAFKA_TOPIC_SAGA_COMMANDS", commands).env("KAFKA_TOPIC_SAGA_REPLIES", replies)
                .env("KAFKA_TOPIC_TASKS", "tasks-" + UUID.randomUUID()).start()) {
            Reply upload = server.upload(Multipart.form().field("target_mode", "edit").file("a.txt", Content.random(300)));
            String fileId = upload.json().path("file_id").asText();
            String command = "{\"saga_id\":\"order-" + UUID.randomUUID() + "\",\"step\":\"delete\",\"action\":\"execute\","
                    + "\"operation\":\"delete_file\",\"payload\":{\"file_id\":\"" + fileId + "\"}}";

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                producer.send(new ProducerRecord<>(commands, "order", command)).get(30, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(commands, "order", command)).get(30, TimeUnit.SECONDS);
            }

            List<JsonNode> answers = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
                consumer.subscribe(List.of(replies));
                Await.until(Duration.ofSeconds(90), "a reply", () -> {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        try {
                            answers.add(JSON.readTree(record.value()));
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return !answers.isEmpty();
                });
                // The duplicate is handled after the first (one partition, in order): wait for the group to commit it.
                TestServer.await("both commands committed", () -> committed(commands) == 2);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    answers.add(JSON.readTree(record.value()));
                }
            }

            assertThat(answers).hasSize(1);
            assertThat(answers.get(0).path("outcome").asText()).isEqualTo("succeeded");
            assertThat(answers.get(0).path("result").path("file_id").asText()).isEqualTo(fileId);
            assertThat(server.get("/api/v1/files/" + fileId).status()).isEqualTo(404);
            // The consumer has fetched everything on its partitions: its lag at /metrics is back to nothing.
            Await.until(Duration.ofSeconds(30), "the command consumer's lag at 0",
                    () -> server.get("/metrics").body().lines().anyMatch("artstore_saga_commands_lag 0.0"::equals));
        }
    }

    private static long committed(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            var offset = admin.listConsumerGroupOffsets("artstore-ingester-saga-participant").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new org.apache.kafka.common.TopicPartition(topic, 0));
            return offset == null ? 0 : offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
