package io.artstore.ingester.kafka.tasks;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.port.out.TaskQueue;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Tasks on a Kafka topic, for a group of workers across the instances ({@link KafkaTaskWorker}). A task is sent
 * with the file it concerns as its key (its id when it concerns none), so that the tasks of one file are run in
 * order; {@link #submit} returns once the broker acknowledged it ({@code acks=all}, idempotent producer). The depth
 * is the group's lag: records of the topic not yet committed by the group.
 */
public final class KafkaTaskQueue implements TaskQueue, AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaTaskSettings settings;
    private final KafkaProducer<String, String> producer;
    private final Admin admin;

    public KafkaTaskQueue(KafkaTaskSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Properties producerProperties = new Properties();
        producerProperties.putAll(settings.clientProperties());
        producerProperties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProperties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProperties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProperties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(producerProperties);
        Properties adminProperties = new Properties();
        adminProperties.putAll(settings.clientProperties());
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        this.admin = Admin.create(adminProperties);
    }

    @Override
    public void submit(Task task) {
        String key = task.arguments().getOrDefault("file_id", task.id());
        try {
            producer.send(new ProducerRecord<>(settings.topic(), key, task.toJson())).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(task, e);
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable(task, e);
        }
    }

    private static IngestException unavailable(Task task, Exception cause) {
        return new IngestException(IngestException.Kind.UNAVAILABLE, "task_queue_unavailable", "task " + task.id()
                + " could not be queued on Kafka: " + cause.getMessage(), cause);
    }

    @Override
    public Depth depth() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(settings.groupId())
                    .partitionsToOffsetAndMetadata().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            var partitions = admin.describeTopics(java.util.List.of(settings.topic())).allTopicNames()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(settings.topic()).partitions().stream()
                    .map(info -> new TopicPartition(settings.topic(), info.partition())).toList();
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(partitions.stream()
                    .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest())))
                    .all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata done = committed.get(partition);
                lag += Math.max(0, ends.get(partition).offset() - (done == null ? 0 : done.offset()));
            }
            return new Depth(lag, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException(IngestException.Kind.UNAVAILABLE, "task_queue_unavailable", "interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IngestException(IngestException.Kind.UNAVAILABLE, "task_queue_unavailable",
                    "the task topic's lag could not be read: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(TIMEOUT);
        admin.close(TIMEOUT);
    }
}
