// CPU of the embedded saga log per saga, without HTTP or storage. Run from source against a server jar:
//   java -cp artstore-ingester.jar bench/SagaLogRate.java [SAGAS_PER_ROUND] [ROUNDS]
// Runs sagas of eight steps (18 records each, as many as an upload's add saga writes) on 16 threads over a
// FileSagaLog in a new temporary folder (deleted at the end), with real forces and the default retention (so compaction runs), and
// prints the process's CPU microseconds per saga and the sagas per second of each round. Point -cp at two builds'
// jars to compare their saga logs; the first rounds include the JIT's work.

import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.storage.embedded.FileSagaLog;
import io.artstore.ingester.storage.embedded.LogOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

public class SagaLogRate {
    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path dir = Files.createTempDirectory("saga-log-rate");
        SagaDefinition<Map<String, String>> definition = SagaDefinition.<Map<String, String>>named("rate")
                .step("s1").invoke((data, attempt) -> data).withCompensation((data, attempt) -> data)
                .step("s2").invoke((data, attempt) -> data).withCompensation((data, attempt) -> data)
                .step("s3").invoke((data, attempt) -> data).withCompensation((data, attempt) -> data)
                .step("s4").invoke((data, attempt) -> data).pivot()
                .step("s5").invoke((data, attempt) -> data).retriable()
                .step("s6").invoke((data, attempt) -> data).retriable()
                .step("s7").invoke((data, attempt) -> data).retriable()
                .step("s8").invoke((data, attempt) -> data).retriable()
                .build();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (FileSagaLog log = FileSagaLog.open(dir, "rate", LogOptions.DEFAULT)) {
            SagaOrchestrator orchestrator = new SagaOrchestrator(log, List.of(definition), new SagaEngine(JitterSource.hashed()),
                    new SagaOrchestrator.Settings("rate", Duration.ofMinutes(1), Duration.ofMinutes(5)), Clock.systemUTC(),
                    duration -> Thread.sleep(duration.toMillis()), SagaListener.NONE);
            for (int round = 0; round < rounds; round++) {
                ExecutorService pool = Executors.newFixedThreadPool(16);
                long cpu = os.getProcessCpuTime();
                long start = System.nanoTime();
                List<Future<?>> sagas = new ArrayList<>();
                for (int i = 0; i < perRound; i++) {
                    SagaId id = new SagaId("saga-" + round + "-" + i);
                    sagas.add(pool.submit(() -> orchestrator.run(definition, id, Map.of("k", "v"))));
                }
                for (Future<?> saga : sagas) {
                    saga.get();
                }
                pool.shutdown();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("SAGALOG round=%d cpu_us_per_saga=%.1f sagas_per_s=%.0f%n", round,
                        (os.getProcessCpuTime() - cpu) / 1e3 / perRound, perRound / seconds);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }
}
