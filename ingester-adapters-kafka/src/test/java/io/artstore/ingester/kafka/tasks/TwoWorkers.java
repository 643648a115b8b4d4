package io.artstore.ingester.kafka.tasks;

import io.artstore.ingester.core.tasks.TaskRunner;
import io.artstore.ingester.core.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** A group of two workers on a task topic of two partitions, started and each holding one partition. */
record TwoWorkers(KafkaTaskWorker first, KafkaTaskWorker second) {

    /** Creates the settings' topic, starts both workers (added to {@code opened}) and waits for their assignment. */
    static TwoWorkers start(KafkaTaskSettings settings, TaskRunner firstRunner, TaskRunner secondRunner,
            List<AutoCloseable> opened, Duration wait) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(settings.topic(), 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        KafkaTaskWorker first = KafkaTaskWorker.start(settings, firstRunner, "task-worker-1");
        opened.add(first);
        KafkaTaskWorker second = KafkaTaskWorker.start(settings, secondRunner, "task-worker-2");
        opened.add(second);
        Await.until(wait, "each worker holding a partition",
                () -> first.assignment().size() == 1 && second.assignment().size() == 1);
        return new TwoWorkers(first, second);
    }

    /** The deliveries both have run and committed. */
    long finished() {
        return first.finished() + second.finished();
    }
}
