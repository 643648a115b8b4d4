package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaStep;
import io.artstore.ingester.core.saga.testing.ClockSleeper;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process dies inside the saga log, after a record is written and before it is forced, at every record of a
 * saga; of the unforced bytes none, half or all reach the disk. After the restart the record is whole or cut
 * off cleanly, and recovery drives the saga to its end.
 */
class FileSagaLogCrashPointTest {

    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final SagaId SAGA = new SagaId("saga-1");

    @TempDir
    Path folder;

    private final ManualClock clock = ManualClock.atSomeInstant();
    private final List<String> effects = new ArrayList<>();
    private final SagaDefinition<Map<String, String>> saga = SagaDefinition.named("move-file")
            .step("stage-copy").invoke(effect("stage-copy")).withCompensation(effect("discard-copy"))
            .step("delete-source").invoke(effect("delete-source")).pivot()
            .step("publish-event").invoke(effect("publish-event")).retriable()
            .build();

    @Test
    void a_crash_between_writing_a_saga_record_and_forcing_it_is_recovered_at_every_record() throws IOException {
        int records = 8; // the start, three intents and their outcomes, the end
        for (int crashAt = 1; crashAt <= records; crashAt++) {
            for (double kept : new double[] {0, 0.5, 1}) {
                String at = "crash after writing record " + crashAt + ", " + kept + " of it on disk";
                Path shared = folder.resolve("crash-" + crashAt + "-" + kept);
                effects.clear();
                CrashAfterWrite crash = new CrashAfterWrite(crashAt, kept, FileSagaLog.FORMAT.magic().length);
                FileSagaLog dying = FileSagaLog.open(shared, "instance-a", LogOptions.DEFAULT, crash);
                assertThatThrownBy(() -> orchestrator(dying).run(saga, SAGA, Map.of())).as(at).isInstanceOf(SimulatedCrash.class);
                dying.close();

                clock.advance(LEASE);
                try (FileSagaLog restarted = FileSagaLog.open(shared, "instance-a")) {
                    List<SagaRecord> survived = restarted.load(SAGA);
                    assertThat(survived).as(at).hasSize(kept == 1 ? crashAt : crashAt - 1);
                    if (survived.isEmpty()) {
                        assertThat(effects).as(at).isEmpty();
                        continue;
                    }
                    orchestrator(restarted).recover();
                    List<SagaRecord> all = restarted.load(SAGA);
                    assertThat(all).as(at).extracting(SagaRecord::sequence)
                            .isEqualTo(LongStream.range(0, all.size()).boxed().toList());
                    assertThat(restarted.unfinished()).as(at).isEmpty();
                    assertThat(restarted.list(SagaState.COMPLETED)).as(at).hasSize(1);
                }
                assertThat(Files.size(shared.resolve("saga-instance-a.log"))).as(at).isGreaterThan(FileSagaLog.FORMAT.magic().length);
                assertThat(effects).as(at).containsSubsequence("stage-copy", "delete-source", "publish-event")
                        .doesNotContain("discard-copy");
            }
        }
    }

    private SagaOrchestrator orchestrator(FileSagaLog log) {
        return new SagaOrchestrator(log, List.of(saga), new SagaEngine(JitterSource.hashed()),
                new SagaOrchestrator.Settings("instance-a", LEASE, Duration.ofMinutes(5)), clock, new ClockSleeper(clock),
                SagaListener.NONE);
    }

    private SagaStep<Map<String, String>> effect(String name) {
        return (data, attempt) -> {
            effects.add(name);
            return data;
        };
    }
}
