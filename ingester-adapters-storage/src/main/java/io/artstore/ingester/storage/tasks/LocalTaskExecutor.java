package io.artstore.ingester.storage.tasks;

import io.artstore.ingester.core.port.in.RunTaskUseCase;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the tasks of a {@link FileTaskQueue} on threads of this process: each takes the oldest free task, runs it,
 * and acknowledges it once done or failed for good; a task whose handler says it may succeed later is given back
 * and taken again after the retry delay.
 */
public final class LocalTaskExecutor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalTaskExecutor.class.getName());

    private final FileTaskQueue queue;
    private final RunTaskUseCase runner;
    private final Duration retryDelay;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicLong finished = new AtomicLong();

    private LocalTaskExecutor(FileTaskQueue queue, RunTaskUseCase runner, Duration retryDelay) {
        this.queue = queue;
        this.runner = runner;
        this.retryDelay = retryDelay;
    }

    public static LocalTaskExecutor start(FileTaskQueue queue, RunTaskUseCase runner, int threads, Duration retryDelay) {
        LocalTaskExecutor executor = new LocalTaskExecutor(Objects.requireNonNull(queue, "queue"),
                Objects.requireNonNull(runner, "runner"), Objects.requireNonNull(retryDelay, "retryDelay"));
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(executor::work, "task-worker-" + i);
            worker.setDaemon(true);
            executor.workers.add(worker);
            worker.start();
        }
        return executor;
    }

    /** Tasks acknowledged since the start. */
    public long finished() {
        return finished.get();
    }

    private void work() {
        while (running.get()) {
            try {
                var next = queue.take(Duration.ofSeconds(1));
                if (next.isEmpty()) {
                    continue;
                }
                FileTaskQueue.Taken taken = next.get();
                RunTaskUseCase.Result result = runner.run(taken.task());
                if (result instanceof RunTaskUseCase.Result.Retry retry) {
                    LOG.log(Level.INFO, "task {0} ({1}) is retried in {2}: {3}", taken.task().id(), taken.task().type(),
                            retryDelay, retry.reason());
                    queue.retryLater(taken, retryDelay);
                    continue;
                }
                RunTaskUseCase.Result.Finished done = (RunTaskUseCase.Result.Finished) result;
                done.failure().ifPresent(failure -> LOG.log(Level.WARNING, "task {0} ({1}) failed and is dropped: {2}",
                        taken.task().id(), taken.task().type(), failure));
                done.report().ifPresent(report -> LOG.log(Level.INFO, "task {0} ({1}) done: {2}",
                        taken.task().id(), taken.task().type(), report.facts()));
                queue.acknowledge(taken);
                finished.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "a task worker failed; it goes on with the next task", e);
            }
        }
    }

    /** Stops taking tasks; a task being run is finished, or taken again after a restart. */
    @Override
    public void close() {
        running.set(false);
        workers.forEach(Thread::interrupt);
        for (Thread worker : workers) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
