package io.artstore.ingester.kafka.participant;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.InMemoryClockSync;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.participant.InMemoryIdempotencyStore;
import io.artstore.ingester.core.participant.ParticipantOperation;
import io.artstore.ingester.core.participant.SagaParticipant;
import io.artstore.ingester.core.port.in.ParticipantCommand;
import io.artstore.ingester.core.port.in.ParticipantReply;
import io.artstore.ingester.core.port.out.IdempotencyStore;
import io.artstore.ingester.core.service.LocalClock;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.kafka.fixture.KafkaBrokerExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The participant on a real broker: each command's effect once, and one reply, whatever happens to an instance. */
class KafkaSagaParticipantIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final Duration WAIT = Duration.ofSeconds(90);

    private final String commands = "commands-" + UUID.randomUUID();
    private final String replies = "replies-" + UUID.randomUUID();
    private final String group = "group-" + UUID.randomUUID();
    /** Shared by the instances, as the Redis store is in a cluster. */
    private final IdempotencyStore store = new InMemoryIdempotencyStore();
    private final EffectOnce operation = new EffectOnce();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        operation.release();
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private SagaParticipant participant(String instance, Duration lease) {
        SagaParticipant participant = new SagaParticipant(store, List.of(operation.of(instance)), new LocalClock(NodeId.of("ingester-"
                + instance), new InMemoryClockSync(), ClockPruning.DEFAULT), instance, lease, Clock.systemUTC());
        opened.add(participant);
        return participant;
    }

    private KafkaSagaParticipant consumer(SagaParticipant participant) {
        // A consumer whose thread hangs longer than this is put out of the group, and its partitions go to another.
        KafkaParticipantSettings settings = new KafkaParticipantSettings(KAFKA.bootstrapServers(),
                Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "4000"), commands, replies, group, Duration.ofMillis(200));
        KafkaSagaParticipant consumer = KafkaSagaParticipant.start(participant, settings);
        opened.add(consumer);
        return consumer;
    }

    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(commands, 1, (short) 1), new NewTopic(replies, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private void send(String command, int times) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int i = 0; i < times; i++) {
                producer.send(new ProducerRecord<>(commands, "saga-1", command)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String command(String sagaId) {
        return "{\"saga_id\":\"" + sagaId + "\",\"step\":1,\"action\":\"execute\",\"operation\":\"effect\","
                + "\"payload\":{},\"vector_clock\":{\"admin-module\":3}}";
    }

    /** How far the group has committed on the commands topic. */
    private long committed() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition(commands, 0));
            return offset == null ? 0 : offset.offset();
        }
    }

    /** Every reply on the topic, read to its end. */
    private List<ParticipantReply> replies() throws Exception {
        TopicPartition partition = new TopicPartition(replies, 0);
        long end;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS)
                    .get(partition).offset();
        }
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ParticipantReply> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            Await.until(WAIT, "the replies topic read to offset " + end, () -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(ParticipantReply.parse(record.value()));
                }
                return consumer.position(partition) >= end;
            });
        }
        return read;
    }

    @Test
    void a_command_delivered_twice_executes_once_and_is_answered_once() throws Exception {
        createTopics();
        consumer(participant("ingester-a", Duration.ofSeconds(30)));

        send(command("saga-twice"), 2);
        Await.until(WAIT, "both records committed", () -> {
            try {
                return committed() == 2;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(operation.attempts.get()).isEqualTo(1);
        assertThat(operation.effects()).isEqualTo(1);
        List<ParticipantReply> answers = replies();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).outcome().wireName()).isEqualTo("succeeded");
        assertThat(answers.get(0).key().sagaId()).isEqualTo("saga-twice");
        assertThat(answers.get(0).clock().get(NodeId.of("admin-module"))).isEqualTo(3);
    }

    @Test
    void a_command_whose_instance_hangs_before_the_reply_is_finished_by_another_with_one_reply() throws Exception {
        createTopics();
        operation.blockFirstAttempt();
        SagaParticipant first = participant("ingester-a", Duration.ofSeconds(2));
        consumer(first);
        send(command("saga-killed"), 1);
        assertThat(operation.firstEntered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // The first instance stops mid-command: its thread hangs and its lease is no longer renewed.
        first.close();
        consumer(participant("ingester-b", Duration.ofSeconds(2)));

        Await.until(WAIT, "the command committed by the second instance", () -> {
            try {
                return committed() == 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(operation.effects()).isEqualTo(1);
        assertThat(operation.effectBy.get("saga-killed/1")).isEqualTo("ingester-b");
        // The hung thread wakes up late: its work finds the effect done and its reply is refused by the store.
        operation.release();
        Await.until(WAIT, "the first attempt returned", () -> operation.firstReturned.getCount() == 0);

        List<ParticipantReply> answers = replies();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).outcome().wireName()).isEqualTo("succeeded");
        assertThat(answers.get(0).result()).containsEntry("by", "ingester-b");
        assertThat(operation.effects()).isEqualTo(1);
    }

    /**
     * An operation whose effect is keyed by the step, as the real ones derive their saga and transaction ids from it:
     * an attempt that runs after another did the work finds it done. One per instance, sharing the effects.
     */
    private static final class EffectOnce {
        final AtomicInteger attempts = new AtomicInteger();
        final Map<String, String> effectBy = new ConcurrentHashMap<>();
        final CountDownLatch firstEntered = new CountDownLatch(1);
        final CountDownLatch firstReturned = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);
        private volatile boolean blockFirst;

        void blockFirstAttempt() {
            blockFirst = true;
        }

        void release() {
            gate.countDown();
        }

        int effects() {
            return effectBy.size();
        }

        ParticipantOperation of(String instance) {
            return new ParticipantOperation() {
                @Override
                public String name() {
                    return "effect";
                }

                @Override
                public Result execute(ParticipantCommand command) {
                    boolean hang = attempts.incrementAndGet() == 1 && blockFirst;
                    if (hang) {
                        firstEntered.countDown();
                        try {
                            gate.await(5, TimeUnit.MINUTES);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    effectBy.putIfAbsent(command.key().stepKey(), instance);
                    if (hang) {
                        firstReturned.countDown();
                    }
                    return new Result.Done(Map.of("by", effectBy.get(command.key().stepKey())));
                }

                @Override
                public Result compensate(ParticipantCommand command, ParticipantReply executed) {
                    return new Result.Done(Map.of());
                }
            };
        }
    }
}
