package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances in separate processes sharing one log folder: an instance lists the folder only when the generation in
 * {@code saga.lock} moved, and keeps that lock across its own queued operations only for a bounded run.
 */
class FileSagaLogAcrossProcessesTest {

    @TempDir
    Path folder;

    private final MoveFileSaga moveFile = new MoveFileSaga();

    @Test
    void sees_an_instance_another_process_started_after_the_folder_was_listed() throws Exception {
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a")) {
            moveFile.orchestrator(log, "instance-a").run(moveFile.definition, new SagaId("saga-a"), Map.of());
            assertThat(log.load(new SagaId("saga-b"))).isEmpty();

            runInOtherProcess("instance-b", 1_000, "saga-b");

            assertThat(log.load(new SagaId("saga-b"))).extracting(SagaRecord::owner).isNotEmpty().containsOnly("instance-b");
            assertThat(log.list(SagaState.COMPLETED)).hasSize(2);
        }
    }

    @Test
    void sees_a_file_another_process_compacted_after_the_folder_was_listed() throws Exception {
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a")) {
            runInOtherProcess("instance-b", 1_000, "saga-1", "saga-2");
            assertThat(log.list(SagaState.COMPLETED)).hasSize(2);

            // Retaining one ended saga, the third one's end makes the other process fold the first two away.
            runInOtherProcess("instance-b", 1, "saga-3");

            assertThat(log.list(SagaState.COMPLETED)).extracting(summary -> summary.sagaId().value()).containsExactly("saga-3");
            assertThat(log.load(new SagaId("saga-1"))).isEmpty();
        }
    }

    @Test
    void lets_another_process_in_while_its_own_threads_keep_queueing() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a")) {
            List<Future<?>> busy = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                int t = thread;
                MoveFileSaga own = new MoveFileSaga();
                busy.add(threads.submit(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        log.load(new SagaId("busy-" + t + "-" + n));
                        own.orchestrator(log, "instance-a").run(own.definition, new SagaId("busy-" + t + "-" + n), Map.of());
                    }
                    return null;
                }));
            }
            try {
                runInOtherProcess("instance-b", 1_000, "saga-b1", "saga-b2", "saga-b3");
            } finally {
                stop.set(true);
            }
            for (Future<?> thread : busy) {
                thread.get(60, TimeUnit.SECONDS);
            }
            assertThat(log.load(new SagaId("saga-b3"))).isNotEmpty();
            assertThat(log.folderLockHeld()).as("saga.lock let go once no thread queues").isFalse();
        } finally {
            threads.shutdownNow();
        }
    }

    /** Runs {@link #main} in a JVM of its own on this folder; fails when it fails or takes over a minute. */
    private void runInOtherProcess(String instance, int retainEnded, String... sagas) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), FileSagaLogAcrossProcessesTest.class.getName(),
                folder.toString(), instance, Integer.toString(retainEnded)));
        command.addAll(List.of(sagas));
        Path output = Files.createTempFile("saga-log-process", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor();
            }
            assertThat(ended).as("the other process ended within a minute: %s", Files.readString(output)).isTrue();
            assertThat(process.exitValue()).as("the other process's exit status: %s", Files.readString(output)).isZero();
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The other process: opens the log as {@code args[1]} retaining {@code args[2]} ended sagas, runs the sagas named. */
    public static void main(String[] args) {
        MoveFileSaga saga = new MoveFileSaga();
        try (FileSagaLog log = FileSagaLog.open(Path.of(args[0]), args[1], new LogOptions(false, Integer.parseInt(args[2])))) {
            for (int i = 3; i < args.length; i++) {
                SagaState state = saga.orchestrator(log, args[1]).run(saga.definition, new SagaId(args[i]), Map.of()).state();
                if (state != SagaState.COMPLETED) {
                    throw new IllegalStateException(args[i] + " ended " + state);
                }
            }
        }
    }
}
