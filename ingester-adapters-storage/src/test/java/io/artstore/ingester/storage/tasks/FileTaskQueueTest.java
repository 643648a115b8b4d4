package io.artstore.ingester.storage.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.in.TaskReport;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.port.out.TaskQueue;
import io.artstore.ingester.core.tasks.TaskHandler;
import io.artstore.ingester.core.tasks.TaskRunner;
import io.artstore.ingester.storage.fixture.Eventually;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTaskQueueTest {

    @TempDir
    Path folder;

    private FileTaskQueue open() {
        return FileTaskQueue.open(folder.resolve("tasks"), Clock.systemUTC());
    }

    @Test
    void a_task_taken_and_not_acknowledged_is_taken_again_after_a_restart() throws Exception {
        FileTaskQueue queue = open();
        Task task = Task.of("count", Map.of("n", "1"), Instant.now());
        queue.submit(task);
        assertThat(queue.take(Duration.ZERO)).map(FileTaskQueue.Taken::task).contains(task);
        assertThat(queue.take(Duration.ZERO)).as("held by its worker").isEmpty();

        FileTaskQueue reopened = open();
        Optional<FileTaskQueue.Taken> again = reopened.take(Duration.ZERO);
        assertThat(again).map(FileTaskQueue.Taken::task).contains(task);
        reopened.acknowledge(again.get());
        assertThat(open().take(Duration.ZERO)).isEmpty();
        assertThat(open().depth()).isEqualTo(new TaskQueue.Depth(0, Duration.ZERO));
    }

    @Test
    void tasks_are_taken_oldest_first_and_the_depth_counts_what_waits() throws Exception {
        FileTaskQueue queue = open();
        Instant now = Instant.now();
        Task older = Task.of("count", Map.of(), now.minusSeconds(60));
        Task newer = Task.of("count", Map.of(), now);
        queue.submit(newer);
        queue.submit(older);

        TaskQueue.Depth depth = queue.depth();
        assertThat(depth.waiting()).isEqualTo(2);
        assertThat(depth.oldest()).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
        assertThat(queue.take(Duration.ZERO)).map(FileTaskQueue.Taken::task).contains(older);
    }

    @Test
    void the_executor_runs_each_task_and_retries_one_that_may_succeed_later() throws Exception {
        FileTaskQueue queue = open();
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        AtomicInteger unavailable = new AtomicInteger(1);
        TaskHandler handler = new TaskHandler() {
            @Override
            public String type() {
                return "count";
            }

            @Override
            public TaskReport run(Task task) {
                runs.computeIfAbsent(task.id(), id -> new AtomicInteger()).incrementAndGet();
                if (task.arguments().containsKey("flaky") && unavailable.getAndDecrement() > 0) {
                    throw new IngestException(IngestException.Kind.UNAVAILABLE, "storage_unavailable", "down for a moment");
                }
                return new TaskReport(Map.of());
            }
        };
        for (int i = 0; i < 5; i++) {
            queue.submit(Task.of("count", Map.of(), Instant.now()));
        }
        Task flaky = Task.of("count", Map.of("flaky", "yes"), Instant.now());
        queue.submit(flaky);
        queue.submit(Task.of("no_such_type", Map.of(), Instant.now()));

        try (LocalTaskExecutor executor = LocalTaskExecutor.start(queue, new TaskRunner(List.of(handler)), 2,
                Duration.ofMillis(100))) {
            Eventually.await("every task acknowledged", Duration.ofSeconds(30), () -> executor.finished() == 7);
        }
        assertThat(runs).hasSize(6);
        assertThat(runs.get(flaky.id()).get()).isEqualTo(2);
        runs.forEach((id, count) -> assertThat(count.get()).as(id).isEqualTo(id.equals(flaky.id()) ? 2 : 1));
        assertThat(queue.depth().waiting()).isZero();
    }
}
