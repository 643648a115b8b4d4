package io.artstore.ingester.kafka.tasks;

import io.artstore.ingester.core.port.in.RunTaskUseCase;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.kafka.ConsumerLoop;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
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

    private final KafkaTaskSettings settings;
    private final RunTaskUseCase runner;
    private final ConsumerLoop loop;

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
        this.loop = ConsumerLoop.start("task worker", properties, settings.topic(), settings.retryDelay(), this::handle,
                () -> { }, name);
    }

    public static KafkaTaskWorker start(KafkaTaskSettings settings, RunTaskUseCase runner, String name) {
        return new KafkaTaskWorker(Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(runner, "runner"),
                Objects.requireNonNull(name, "name"));
    }

    /** The partitions of the topic this worker holds now. */
    public Set<TopicPartition> assignment() {
        return loop.assignment();
    }

    /** Tasks this worker ran and committed. */
    public long finished() {
        return loop.committed();
    }

    private ConsumerLoop.Handled handle(ConsumerRecord<String, String> record) {
        Task task;
        try {
            task = Task.parse(record.value() == null ? "" : record.value());
        } catch (RuntimeException e) {
            LOG.warn("skipping record {}-{}@{}, which is not a task: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return ConsumerLoop.Handled.SKIPPED;
        }
        RunTaskUseCase.Result result = runner.run(task);
        if (result instanceof RunTaskUseCase.Result.Retry retry) {
            LOG.info("task {} ({}) is retried in {}: {}", task.id(), task.type(), settings.retryDelay(), retry.reason());
            return ConsumerLoop.Handled.RETRY;
        }
        RunTaskUseCase.Result.Finished done = (RunTaskUseCase.Result.Finished) result;
        done.failure().ifPresent(failure -> LOG.warn("task {} ({}) failed and is dropped: {}", task.id(), task.type(), failure));
        done.report().ifPresent(report -> LOG.info("task {} ({}) done: {}", task.id(), task.type(), report.facts()));
        return ConsumerLoop.Handled.DONE;
    }

    /** Leaves the group after the task being run, and stops. */
    @Override
    public void close() {
        loop.close();
    }
}
