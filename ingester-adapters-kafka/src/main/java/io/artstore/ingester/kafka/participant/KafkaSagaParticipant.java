package io.artstore.ingester.kafka.participant;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.in.Outcome;
import io.artstore.ingester.core.port.in.ParticipantCommand;
import io.artstore.ingester.core.port.in.SagaCommandUseCase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga participant on Kafka: a consumer of the commands topic in a group shared by every instance, which hands
 * each command to the participant ({@link SagaCommandUseCase}) and sends its reply on the replies topic (key: the saga id).
 *
 * <p>A command is processed once in effect even when an instance dies while handling it: its offset is committed
 * only after the reply was acknowledged, so the command goes to another instance of the group; the idempotency
 * store tells that instance that the command is held, and once the dead owner's lease has run out it takes the
 * command over and finishes it. The store also notes when a reply was sent, so that a command delivered again
 * (a duplicate, or a redelivery after a crash between the reply and the commit) is not answered a second time;
 * an instance that dies between the reply's acknowledgement and that note would send the same reply once more.
 *
 * <p>Commands of a partition are handled in order, one at a time: a command answered {@code in_progress} is
 * handled again after the retry delay (its partition paused meanwhile, so that the consumer keeps polling) before
 * the next one. A record that is not a command is logged and skipped.
 */
public final class KafkaSagaParticipant implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSagaParticipant.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final SagaCommandUseCase participant;
    private final KafkaParticipantSettings settings;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Paused partitions and when to resume them (ms since the epoch); touched by the polling thread only. */
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final Thread thread;

    private KafkaSagaParticipant(SagaCommandUseCase participant, KafkaParticipantSettings settings) {
        this.participant = participant;
        this.settings = settings;
        this.consumer = new KafkaConsumer<>(consumerProperties(settings));
        this.producer = new KafkaProducer<>(producerProperties(settings));
        this.thread = new Thread(this::run, "saga-participant-kafka");
    }

    /** Joins the group and handles commands on a thread of its own until {@link #close}. */
    public static KafkaSagaParticipant start(SagaCommandUseCase participant, KafkaParticipantSettings settings) {
        KafkaSagaParticipant started = new KafkaSagaParticipant(Objects.requireNonNull(participant, "participant"),
                Objects.requireNonNull(settings, "settings"));
        started.thread.start();
        return started;
    }

    static Properties consumerProperties(KafkaParticipantSettings settings) {
        Properties properties = new Properties();
        properties.putAll(settings.clientProperties());
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return properties;
    }

    static Properties producerProperties(KafkaParticipantSettings settings) {
        Properties properties = new Properties();
        settings.clientProperties().forEach((name, value) -> {
            if (!name.startsWith("max.poll") && !name.startsWith("session.") && !name.startsWith("heartbeat.")) {
                properties.put(name, value);
            }
        });
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return properties;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(settings.commandsTopic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(pausedUntil::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // Fetching starts at the committed offsets: a command not committed is handled again.
                }
            });
            while (running.get()) {
                resumeDue();
                ConsumerRecords<String, String> records = consumer.poll(POLL);
                for (TopicPartition partition : records.partitions()) {
                    handle(partition, records.records(partition));
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.error("the saga participant's consumer was woken up while running", e);
            }
        } catch (RuntimeException e) {
            LOG.error("the saga participant's consumer stopped; commands wait for another instance or a restart", e);
        } finally {
            closeQuietly();
        }
    }

    /** Handles a partition's records in order; stops at one that must be handled again later. */
    private void handle(TopicPartition partition, List<ConsumerRecord<String, String>> records) {
        for (ConsumerRecord<String, String> record : records) {
            if (!running.get()) {
                return;
            }
            boolean done;
            try {
                done = handle(record);
            } catch (IngestException e) {
                // The store or an element cannot be reached now: nothing was answered; try the command again.
                LOG.warn("saga command at {}-{}@{} could not be handled now: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                done = false;
            }
            if (!done) {
                consumer.seek(partition, record.offset());
                consumer.pause(List.of(partition));
                pausedUntil.put(partition, System.currentTimeMillis() + settings.retryDelay().toMillis());
                return;
            }
            try {
                consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
            } catch (CommitFailedException e) {
                // The partition went to another instance meanwhile: it finds the reply in the store and sends none.
                LOG.info("saga command at {}-{}@{} was answered but its partition moved on: {}", record.topic(),
                        record.partition(), record.offset(), e.getMessage());
                return;
            }
        }
    }

    /** @return whether the record is done with: answered (now or before) or not a command */
    private boolean handle(ConsumerRecord<String, String> record) {
        ParticipantCommand command;
        try {
            command = ParticipantCommand.parse(record.value() == null ? "" : record.value());
        } catch (IngestException e) {
            LOG.warn("skipping record {}-{}@{}, which is not a saga command: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return true;
        }
        SagaCommandUseCase.Handled handled = participant.handle(command);
        if (handled.reply().outcome() == Outcome.IN_PROGRESS) {
            return false;
        }
        if (handled.delivered()) {
            return true;
        }
        try {
            producer.send(new ProducerRecord<>(settings.repliesTopic(), null, command.key().sagaId(),
                    handled.reply().toJson(), List.of(
                            new org.apache.kafka.common.header.internals.RecordHeader("saga_id",
                                    command.key().sagaId().getBytes(StandardCharsets.UTF_8)),
                            new org.apache.kafka.common.header.internals.RecordHeader("step",
                                    command.key().step().getBytes(StandardCharsets.UTF_8)),
                            new org.apache.kafka.common.header.internals.RecordHeader("action",
                                    command.key().action().wireName().getBytes(StandardCharsets.UTF_8))))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            LOG.warn("the reply to saga command {} could not be sent now: {}", command.key(), e.getCause().getMessage());
            return false;
        }
        participant.markDelivered(command.key());
        return true;
    }

    private void resumeDue() {
        long now = System.currentTimeMillis();
        List<TopicPartition> due = pausedUntil.entrySet().stream().filter(entry -> entry.getValue() <= now)
                .map(Map.Entry::getKey).toList();
        if (!due.isEmpty()) {
            due.forEach(pausedUntil::remove);
            consumer.resume(due.stream().filter(consumer.assignment()::contains).toList());
        }
    }

    private void closeQuietly() {
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.warn("closing the saga participant's consumer failed: {}", e.getMessage());
        }
        producer.close(Duration.ofSeconds(5));
    }

    /** Whether the polling thread still runs. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Leaves the group (after the command being handled) and stops. */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
