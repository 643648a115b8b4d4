package io.artstore.ingester.kafka.tasks;

import io.artstore.ingester.core.port.in.RunTaskUseCase;
import io.artstore.ingester.core.port.out.Task;
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
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker of the tasks topic: one member of the group that every instance joins, so that each task goes to one
 * of them. A task's offset is committed after it ran (done, or failed for good), so a task whose worker dies is
 * run again by another (at least once; the handlers make a second run harmless). A task that may succeed later is
 * run again after the retry delay, its partition paused meanwhile.
 */
public final class KafkaTaskWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTaskWorker.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaTaskSettings settings;
    private final RunTaskUseCase runner;
    private final KafkaConsumer<String, String> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private final AtomicLong finished = new AtomicLong();
    private final Thread thread;

    private KafkaTaskWorker(KafkaTaskSettings settings, RunTaskUseCase runner, String name) {
        this.settings = settings;
        this.runner = runner;
        Properties properties = new Properties();
        properties.putAll(settings.clientProperties());
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(properties);
        this.thread = new Thread(this::run, name);
    }

    public static KafkaTaskWorker start(KafkaTaskSettings settings, RunTaskUseCase runner, String name) {
        KafkaTaskWorker worker = new KafkaTaskWorker(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(runner, "runner"), Objects.requireNonNull(name, "name"));
        worker.thread.start();
        return worker;
    }

    /** The partitions of the topic this worker holds now. */
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assigned);
    }

    /** Tasks this worker ran and committed. */
    public long finished() {
        return finished.get();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(pausedUntil::remove);
                    assigned.removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned.addAll(partitions);
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
                LOG.error("the task worker was woken up while running", e);
            }
        } catch (RuntimeException e) {
            LOG.error("the task worker stopped; its tasks go to the other workers of the group", e);
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.warn("closing the task worker's consumer failed: {}", e.getMessage());
            }
        }
    }

    private void handle(TopicPartition partition, List<ConsumerRecord<String, String>> records) {
        for (ConsumerRecord<String, String> record : records) {
            if (!running.get()) {
                return;
            }
            Task task;
            try {
                task = Task.parse(record.value() == null ? "" : record.value());
            } catch (RuntimeException e) {
                LOG.warn("skipping record {}-{}@{}, which is not a task: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                commit(partition, record);
                continue;
            }
            RunTaskUseCase.Result result = runner.run(task);
            if (result instanceof RunTaskUseCase.Result.Retry retry) {
                LOG.info("task {} ({}) is retried in {}: {}", task.id(), task.type(), settings.retryDelay(), retry.reason());
                consumer.seek(partition, record.offset());
                consumer.pause(List.of(partition));
                pausedUntil.put(partition, System.currentTimeMillis() + settings.retryDelay().toMillis());
                return;
            }
            RunTaskUseCase.Result.Finished done = (RunTaskUseCase.Result.Finished) result;
            done.failure().ifPresent(failure -> LOG.warn("task {} ({}) failed and is dropped: {}", task.id(), task.type(), failure));
            done.report().ifPresent(report -> LOG.info("task {} ({}) done: {}", task.id(), task.type(), report.facts()));
            if (!commit(partition, record)) {
                return;
            }
            finished.incrementAndGet();
        }
    }

    private boolean commit(TopicPartition partition, ConsumerRecord<String, String> record) {
        try {
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
            return true;
        } catch (CommitFailedException e) {
            // The partition moved to another worker meanwhile, which runs the task again (harmlessly).
            LOG.info("task at {}-{}@{} ran but its partition moved on: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
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

    /** Leaves the group after the task being run, and stops. */
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
