package io.artstore.ingester.kafka.participant;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.in.Outcome;
import io.artstore.ingester.core.port.in.ParticipantCommand;
import io.artstore.ingester.core.port.in.SagaCommandUseCase;
import io.artstore.ingester.kafka.ConsumerLoop;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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

    private final SagaCommandUseCase participant;
    private final KafkaParticipantSettings settings;
    private final KafkaProducer<String, String> producer;
    private final ConsumerLoop loop;

    private KafkaSagaParticipant(SagaCommandUseCase participant, KafkaParticipantSettings settings) {
        this.participant = participant;
        this.settings = settings;
        this.producer = new KafkaProducer<>(producerProperties(settings));
        try {
            this.loop = ConsumerLoop.start("saga participant", consumerProperties(settings), settings.commandsTopic(),
                    settings.retryDelay(), this::handle, () -> producer.close(Duration.ofSeconds(5)),
                    "saga-participant-kafka");
        } catch (RuntimeException e) {
            producer.close(Duration.ofSeconds(5));
            throw e;
        }
    }

    /** Joins the group and handles commands on a thread of its own until {@link #close}. */
    public static KafkaSagaParticipant start(SagaCommandUseCase participant, KafkaParticipantSettings settings) {
        return new KafkaSagaParticipant(Objects.requireNonNull(participant, "participant"),
                Objects.requireNonNull(settings, "settings"));
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

    private ConsumerLoop.Handled handle(ConsumerRecord<String, String> record) {
        try {
            return handleCommand(record) ? ConsumerLoop.Handled.DONE : ConsumerLoop.Handled.RETRY;
        } catch (IngestException e) {
            // The store or an element cannot be reached now: nothing was answered; try the command again.
            LOG.warn("saga command at {}-{}@{} could not be handled now: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return ConsumerLoop.Handled.RETRY;
        }
    }

    /** @return whether the record is done with: answered (now or before) or not a command */
    private boolean handleCommand(ConsumerRecord<String, String> record) {
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

    /** Commands on the held partitions not yet fetched, as of the last poll. */
    public long lag() {
        return loop.lag();
    }

    /** Whether the polling thread still runs. */
    public boolean isRunning() {
        return loop.isRunning();
    }

    /** Leaves the group (after the command being handled) and stops. */
    @Override
    public void close() {
        loop.close();
    }
}
