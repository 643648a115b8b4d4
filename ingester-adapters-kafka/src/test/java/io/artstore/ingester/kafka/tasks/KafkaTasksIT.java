package io.artstore.ingester.kafka.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.in.TaskReport;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.tasks.TaskHandler;
import io.artstore.ingester.core.tasks.TaskRunner;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.kafka.fixture.KafkaBrokerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tasks on a real broker, run by a group of two workers. */
class KafkaTasksIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final Duration WAIT = Duration.ofSeconds(90);

    private final KafkaTaskSettings settings = new KafkaTaskSettings(KAFKA.bootstrapServers(), Map.of(),
            "tasks-" + UUID.randomUUID(), "workers-" + UUID.randomUUID(), Duration.ofMillis(200));
    private final Map<String, String> effectBy = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** A handler whose effect is keyed by the task: a second run finds it done. */
    private TaskRunner runner(String worker) {
        return new TaskRunner(List.of(new TaskHandler() {
            @Override
            public String type() {
                return "effect";
            }

            @Override
            public TaskReport run(Task task) {
                runs.computeIfAbsent(task.id(), id -> new AtomicInteger()).incrementAndGet();
                effectBy.putIfAbsent(task.id(), worker);
                return new TaskReport(Map.of("by", effectBy.get(task.id())));
            }
        }));
    }

    @Test
    void tasks_are_shared_by_the_group_and_each_has_its_effect_once() throws Exception {
        TwoWorkers workers = TwoWorkers.start(settings, runner("worker-1"), runner("worker-2"), opened, WAIT);
        KafkaTaskQueue queue = new KafkaTaskQueue(settings);
        opened.add(queue);

        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Task task = Task.of("effect", Map.of("file_id", UUID.randomUUID().toString()), Instant.now());
            tasks.add(task);
            queue.submit(task);
        }
        Await.until(WAIT, "every task run and committed", () -> workers.finished() == tasks.size());

        assertThat(queue.depth().waiting()).isZero();
        assertThat(effectBy.keySet()).containsExactlyInAnyOrderElementsOf(tasks.stream().map(Task::id).toList());
        assertThat(runs.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        assertThat(effectBy.values()).contains("worker-1", "worker-2");
        assertThat(workers.first().finished()).isPositive();
        assertThat(workers.second().finished()).isPositive();
    }
}
