package io.artstore.ingester.storage.embedded;

import static io.artstore.ingester.storage.embedded.MoveFileSaga.LEASE;
import static io.artstore.ingester.storage.embedded.MoveFileSaga.SAGA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaStep;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import io.artstore.ingester.storage.fs.Fsync;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    /**
     * The power goes at every record of a saga whose step after the pivot starts without a force of its own (see
     * {@code StepDefinition#startDurableWithNext}): the disk keeps only what the last force covered, so that step's
     * start and the pivot's success before it may be lost although the step has acted. Recovery repeats the pivot
     * and that step, never undoes a stored file and publishes the event once.
     */
    @Test
    void a_power_cut_at_any_record_loses_only_what_recovery_repeats_when_a_start_waits_for_the_next_force() throws IOException {
        SagaDefinition<Map<String, String>> definition = SagaDefinition.named("move-file")
                .step("stage-copy").invoke(effect("stage-copy")).withCompensation(effect("discard-copy"))
                .step("delete-source").invoke(effect("delete-source")).pivot()
                .step("record-copy").invoke(effect("record-copy")).retriableIdempotent()
                .step("publish-event").invoke(effect("publish-event")).retriable()
                .build();
        powerCutAtEveryRecord(definition, 10); // the start, four steps started and ended, the end
    }

    /**
     * The add saga's shape: a compensable step without effect (a registration with no registry) and every step after
     * the pivot starting without a force of its own, the event's step asking on every attempt whether it published.
     * The disk keeps only what the last force covered; recovery undoes or finishes as a whole, the event once.
     */
    @Test
    void a_power_cut_at_any_record_when_a_step_without_effect_and_the_event_step_wait_for_the_next_force() throws IOException {
        SagaDefinition<Map<String, String>> definition = SagaDefinition.named("move-file")
                .step("stage-copy").invoke(effect("stage-copy")).withCompensation(effect("discard-copy"))
                .step("register").invoke((data, attempt) -> data).withCompensationOfNoEffect((data, attempt) -> data)
                .step("delete-source").invoke(effect("delete-source")).pivot()
                .step("record-copy").invoke(effect("record-copy")).retriableIdempotent()
                .step("publish-event").invoke((data, attempt) -> {
                    if (!moveFile.effects.contains("publish-event")) {
                        moveFile.effects.add("publish-event");
                    }
                    return data;
                }).retriableIdempotent()
                .build();
        powerCutAtEveryRecord(definition, 12);
    }

    private void powerCutAtEveryRecord(SagaDefinition<Map<String, String>> definition, int records) throws IOException {
        for (int cutAt = 1; cutAt <= records; cutAt++) {
            String at = "power cut at record " + cutAt;
            int cutPoint = cutAt;
            Path shared = folder.resolve("power-" + cutAt);
            moveFile.effects.clear();
            ForcedSize disk = new ForcedSize();
            FramedLogFile.Faults cut = (point, file) -> {
                if (point == FramedLogFile.CrashPoint.APPENDED_NOT_FORCED && ++disk.appends == cutPoint) {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        channel.truncate(Math.max(disk.durableUpTo, FileSagaLog.FORMAT.magic().length));
                    }
                    throw new SimulatedCrash("power cut at append " + cutPoint);
                }
            };
            FileSagaLog dying = FileSagaLog.open(shared, "instance-a", LogOptions.DEFAULT, cut, disk);
            assertThatThrownBy(() -> moveFile.orchestrator(dying, "instance-a", List.of(definition)).run(definition, SAGA, Map.of()))
                    .as(at).isInstanceOf(SimulatedCrash.class);
            closeQuietly(dying);
            List<String> beforeRecovery = List.copyOf(moveFile.effects);

            moveFile.clock.advance(LEASE);
            try (FileSagaLog restarted = FileSagaLog.open(shared, "instance-a")) {
                if (restarted.load(SAGA).isEmpty()) {
                    assertThat(beforeRecovery).as(at + ": no saga survived, so nothing may have acted").isEmpty();
                    continue;
                }
                moveFile.orchestrator(restarted, "instance-a", List.of(definition)).recover();
                assertThat(restarted.unfinished()).as(at).isEmpty();
                if (beforeRecovery.contains("delete-source")) {
                    assertThat(restarted.list(SagaState.COMPLETED)).as(at + ": past the pivot").hasSize(1);
                }
                if (restarted.list(SagaState.COMPLETED).size() == 1) {
                    assertThat(moveFile.effects).as(at).containsSubsequence("stage-copy", "delete-source", "record-copy", "publish-event")
                            .doesNotContain("discard-copy");
                    assertThat(moveFile.effects.stream().filter("publish-event"::equals)).as(at + ": the event once").hasSize(1);
                } else {
                    assertThat(restarted.list(SagaState.COMPENSATED)).as(at).hasSize(1);
                    assertThat(moveFile.effects).as(at).doesNotContain("delete-source", "record-copy", "publish-event");
                }
            }
        }
    }

    private SagaStep<Map<String, String>> effect(String name) {
        return (data, attempt) -> {
            if (name.equals("publish-event") && !attempt.isFirst() && moveFile.effects.contains(name)) {
                return data; // published already, as a publisher that knows its events would tell
            }
            moveFile.effects.add(name);
            return data;
        };
    }

    private static void closeQuietly(FileSagaLog log) {
        try {
            log.close();
        } catch (RuntimeException ignored) {
            // The process is dead; what the disk holds is what counts.
        }
    }

    /** Forces for real and remembers how much of the file the last force covered. */
    private static final class ForcedSize implements Fsync {
        int appends;
        long durableUpTo;

        @Override
        public void force(FileChannel channel, Path file, boolean metadata) throws IOException {
            long size = channel.size();
            channel.force(metadata);
            durableUpTo = Math.max(durableUpTo, size);
        }
    }
}
