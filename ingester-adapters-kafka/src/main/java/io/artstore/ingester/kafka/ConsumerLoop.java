package io.artstore.ingester.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a consumer group that handles the records of one topic on a thread of its own, a partition's records
 * in order and one at a time, committing a record's offset only once it is handled. A record that must be handled
 * again later stops its partition: the consumer seeks back to it and pauses the partition for the retry delay, so
 * that polling (and the group membership) goes on meanwhile.
 */
public final class ConsumerLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /** What became of a record. */
    public enum Handled {
        /** Handled: its offset is committed; if that fails the partition moved on and its other records are left. */
        DONE,
        /** Not for this loop (unreadable): its offset is committed and the next record handled in any case. */
        SKIPPED,
        /** To be handled again after the retry delay, before the next records of its partition. */
        RETRY
    }

    private final String name;
    private final String topic;
    private final Duration retryDelay;
    private final Function<ConsumerRecord<String, String>, Handled> handler;
    private final Runnable afterClose;
    private final KafkaConsumer<String, String> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile long lag;
    /** Paused partitions and when to resume them (ms since the epoch); touched by the polling thread only. */
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private final AtomicLong committed = new AtomicLong();
    private final Thread thread;

    private ConsumerLoop(String name, Properties consumerProperties, String topic, Duration retryDelay,
            Function<ConsumerRecord<String, String>, Handled> handler, Runnable afterClose, String threadName) {
        this.name = name;
        this.topic = topic;
        this.retryDelay = retryDelay;
        this.handler = handler;
        this.afterClose = afterClose;
        this.consumer = new KafkaConsumer<>(consumerProperties);
        this.thread = new Thread(this::run, threadName);
    }

    /**
     * Subscribes to the topic and handles its records until {@link #close}.
     *
     * @param name what the loop is, for the log ("saga participant")
     * @param afterClose run on the polling thread once the consumer is closed (e.g. to close a producer)
     */
    public static ConsumerLoop start(String name, Properties consumerProperties, String topic, Duration retryDelay,
            Function<ConsumerRecord<String, String>, Handled> handler, Runnable afterClose, String threadName) {
        ConsumerLoop loop = new ConsumerLoop(Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(consumerProperties, "consumerProperties"), Objects.requireNonNull(topic, "topic"),
                Objects.requireNonNull(retryDelay, "retryDelay"), Objects.requireNonNull(handler, "handler"),
                Objects.requireNonNull(afterClose, "afterClose"), Objects.requireNonNull(threadName, "threadName"));
        loop.thread.start();
        return loop;
    }

    /** The partitions of the topic this loop holds now. */
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assigned);
    }

    /** Records handled as {@link Handled#DONE} whose offsets were committed. */
    public long committed() {
        return committed.get();
    }

    /**
     * Records of the held partitions not yet fetched by this consumer, as of its last poll: how far it is behind the
     * topic (0 before the first poll or without partitions).
     */
    public long lag() {
        return lag;
    }

    /** Whether the polling thread still runs. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    private long currentLag() {
        long behind = 0;
        for (TopicPartition partition : consumer.assignment()) {
            behind += consumer.currentLag(partition).orElse(0);
        }
        return behind;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(pausedUntil::remove);
                    assigned.removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // Fetching starts at the committed offsets: a record not committed is handled again.
                    assigned.addAll(partitions);
                }
            });
            while (running.get()) {
                resumeDue();
                ConsumerRecords<String, String> records = consumer.poll(POLL);
                lag = currentLag();
                for (TopicPartition partition : records.partitions()) {
                    handle(partition, records.records(partition));
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.error("the {}'s consumer was woken up while running", name, e);
            }
        } catch (RuntimeException e) {
            LOG.error("the {}'s consumer stopped; its records wait for another member of the group or a restart", name, e);
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.warn("closing the {}'s consumer failed: {}", name, e.getMessage());
            }
            afterClose.run();
        }
    }

    /** Handles a partition's records in order; stops at one that must be handled again later. */
    private void handle(TopicPartition partition, List<ConsumerRecord<String, String>> records) {
        for (ConsumerRecord<String, String> record : records) {
            if (!running.get()) {
                return;
            }
            Handled handled = handler.apply(record);
            if (handled == Handled.RETRY) {
                consumer.seek(partition, record.offset());
                consumer.pause(List.of(partition));
                pausedUntil.put(partition, System.currentTimeMillis() + retryDelay.toMillis());
                return;
            }
            if (commit(partition, record)) {
                if (handled == Handled.DONE) {
                    committed.incrementAndGet();
                }
            } else if (handled == Handled.DONE) {
                return;
            }
        }
    }

    private boolean commit(TopicPartition partition, ConsumerRecord<String, String> record) {
        try {
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
            return true;
        } catch (CommitFailedException e) {
            // The partition went to another member meanwhile, which handles the record again (harmlessly).
            LOG.info("{}: the record at {}-{}@{} was handled but its partition moved on: {}", name, record.topic(),
                    record.partition(), record.offset(), e.getMessage());
            return false;
        }
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

    /** Leaves the group (after the record being handled) and stops. */
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
