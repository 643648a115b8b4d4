package io.artstore.ingester.storage.embedded;

import static io.artstore.ingester.storage.embedded.MoveFileSaga.LEASE;
import static io.artstore.ingester.storage.embedded.MoveFileSaga.SAGA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @TempDir
    Path folder;

    private final MoveFileSaga moveFile = new MoveFileSaga();

    @Test
    void a_crash_between_writing_a_saga_record_and_forcing_it_is_recovered_at_every_record() throws IOException {
        int records = 8; // the start, three intents and their outcomes, the end
        for (int crashAt = 1; crashAt <= records; crashAt++) {
            for (double kept : new double[] {0, 0.5, 1}) {
                String at = "crash after writing record " + crashAt + ", " + kept + " of it on disk";
                Path shared = folder.resolve("crash-" + crashAt + "-" + kept);
                moveFile.effects.clear();
                CrashAfterWrite crash = new CrashAfterWrite(crashAt, kept, FileSagaLog.FORMAT.magic().length);
                FileSagaLog dying = FileSagaLog.open(shared, "instance-a", LogOptions.DEFAULT, crash);
                assertThatThrownBy(() -> moveFile.orchestrator(dying, "instance-a").run(moveFile.definition, SAGA, Map.of()))
                        .as(at).isInstanceOf(SimulatedCrash.class);
                dying.close();

                moveFile.clock.advance(LEASE);
                try (FileSagaLog restarted = FileSagaLog.open(shared, "instance-a")) {
                    List<SagaRecord> survived = restarted.load(SAGA);
                    assertThat(survived).as(at).hasSize(kept == 1 ? crashAt : crashAt - 1);
                    if (survived.isEmpty()) {
                        assertThat(moveFile.effects).as(at).isEmpty();
                        continue;
                    }
                    moveFile.orchestrator(restarted, "instance-a").recover();
                    List<SagaRecord> all = restarted.load(SAGA);
                    assertThat(all).as(at).extracting(SagaRecord::sequence)
                            .isEqualTo(LongStream.range(0, all.size()).boxed().toList());
                    assertThat(restarted.unfinished()).as(at).isEmpty();
                    assertThat(restarted.list(SagaState.COMPLETED)).as(at).hasSize(1);
                }
                assertThat(Files.size(shared.resolve("saga-instance-a.log"))).as(at).isGreaterThan(FileSagaLog.FORMAT.magic().length);
                assertThat(moveFile.effects).as(at).containsSubsequence("stage-copy", "delete-source", "publish-event")
                        .doesNotContain("discard-copy");
            }
        }
    }
}
