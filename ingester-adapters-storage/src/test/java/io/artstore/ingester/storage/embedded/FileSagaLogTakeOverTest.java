package io.artstore.ingester.storage.embedded;

import static io.artstore.ingester.storage.embedded.MoveFileSaga.LEASE;
import static io.artstore.ingester.storage.embedded.MoveFileSaga.SAGA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaResult;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.testing.CrashingSagaLog;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One instance dies half-way through a saga; another, sharing the log folder, finishes it. */
class FileSagaLogTakeOverTest {

    @TempDir
    Path folder;

    private final MoveFileSaga moveFile = new MoveFileSaga();

    @Test
    void takes_over_a_saga_whose_owner_died_once_its_lease_has_expired() {
        try (FileSagaLog a = FileSagaLog.open(folder, "instance-a")) {
            // Dies after logging the pivot's intent (records: start, stage intent+outcome, pivot intent).
            assertThatThrownBy(() -> moveFile.orchestrator(new CrashingSagaLog(a, 4), "instance-a")
                    .run(moveFile.definition, SAGA, Map.of()))
                    .isInstanceOf(SimulatedCrash.class);
        }

        try (FileSagaLog b = FileSagaLog.open(folder, "instance-b")) {
            assertThat(moveFile.orchestrator(b, "instance-b").recover()).as("lease still running").isEmpty();

            moveFile.clock.advance(LEASE);
            List<SagaResult<?>> recovered = moveFile.orchestrator(b, "instance-b").recover();

            assertThat(recovered).singleElement().satisfies(result -> assertThat(result.state()).isEqualTo(SagaState.COMPLETED));
        }
        assertThat(moveFile.effects).containsExactly("stage-copy", "delete-source", "delete-source", "publish-event");

        try (FileSagaLog a = FileSagaLog.open(folder, "instance-a")) {
            List<SagaRecord> merged = a.load(SAGA);
            assertThat(merged).extracting(SagaRecord::sequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(merged.subList(0, 4)).allSatisfy(record -> assertThat(record.owner()).isEqualTo("instance-a"));
            assertThat(merged.subList(4, 10)).allSatisfy(record -> assertThat(record.owner()).isEqualTo("instance-b"));
            assertThat(merged.get(4).kind()).isEqualTo(SagaRecord.Kind.LEASE_CLAIMED);
            assertThat(merged.get(9).kind()).isEqualTo(SagaRecord.Kind.SAGA_COMPLETED);
            assertThat(a.unfinished()).isEmpty();
        }
    }

    @Test
    void finishes_the_saga_whichever_record_the_first_instance_died_before() {
        int records = 8; // the start, three intents and their outcomes, the end
        for (int cut = 1; cut < records; cut++) {
            Path shared = folder.resolve("cut-" + cut);
            moveFile.effects.clear();
            int appends = cut;
            try (FileSagaLog a = FileSagaLog.open(shared, "instance-a")) {
                assertThatThrownBy(() -> moveFile.orchestrator(new CrashingSagaLog(a, appends), "instance-a")
                        .run(moveFile.definition, SAGA, Map.of()))
                        .isInstanceOf(SimulatedCrash.class);
            }
            moveFile.clock.advance(LEASE);
            try (FileSagaLog b = FileSagaLog.open(shared, "instance-b")) {
                assertThat(moveFile.orchestrator(b, "instance-b").recover()).as("recovered after a crash before record " + cut)
                        .singleElement().satisfies(result -> assertThat(result.state()).isEqualTo(SagaState.COMPLETED));
            }
            try (FileSagaLog a = FileSagaLog.open(shared, "instance-a")) {
                assertThat(a.load(SAGA)).as("records after a crash before record " + cut)
                        .extracting(SagaRecord::sequence).isEqualTo(LongStream.range(0, a.load(SAGA).size()).boxed().toList());
                assertThat(a.list(SagaState.COMPLETED)).hasSize(1);
            }
            assertThat(moveFile.effects).as("effects after a crash before record " + cut)
                    .containsSubsequence("stage-copy", "delete-source", "publish-event").doesNotContain("discard-copy");
        }
    }

    @Test
    void the_instance_that_took_a_saga_over_reopens_its_log_whatever_order_the_files_are_read_in() {
        try (FileSagaLog a = FileSagaLog.open(folder, "instance-a")) {
            assertThatThrownBy(() -> moveFile.orchestrator(new CrashingSagaLog(a, 4), "instance-a")
                    .run(moveFile.definition, SAGA, Map.of()))
                    .isInstanceOf(SimulatedCrash.class);
        }
        moveFile.clock.advance(LEASE);
        // The take-over's records open instance-b's file, mid-saga.
        try (FileSagaLog b = FileSagaLog.open(folder, "instance-b")) {
            assertThat(moveFile.orchestrator(b, "instance-b").recover()).singleElement()
                    .satisfies(result -> assertThat(result.state()).isEqualTo(SagaState.COMPLETED));
        }

        try (FileSagaLog b = FileSagaLog.open(folder, "instance-b")) {
            assertThat(b.load(SAGA)).extracting(SagaRecord::sequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(b.list(SagaState.COMPLETED)).hasSize(1);
        }
        // A third instance (say, a node renamed again) reads both files, neither of them its own.
        try (FileSagaLog c = FileSagaLog.open(folder, "instance-c")) {
            assertThat(c.load(SAGA)).hasSize(10);
        }
    }

    @Test
    void keeps_an_instance_that_outlived_its_lease_from_writing_over_the_one_that_took_over() {
        Map<String, FileSagaLog> logs = new HashMap<>();
        try (FileSagaLog a = FileSagaLog.open(folder, "instance-a");
                FileSagaLog b = FileSagaLog.open(folder, "instance-b")) {
            logs.put("instance-b", b);
            SagaDefinition<Map<String, String>> stalling = SagaDefinition.named("stalling")
                    .step("stall").invoke((data, attempt) -> {
                        moveFile.clock.advance(LEASE.plusSeconds(1));
                        assertThat(logs.get("instance-b").tryClaim(attempt.sagaId(), "instance-b", moveFile.clock.instant(),
                                moveFile.clock.instant().plus(LEASE))).isTrue();
                        return data;
                    }).withCompensation((data, attempt) -> data)
                    .build();

            assertThatThrownBy(() -> moveFile.orchestrator(a, "instance-a", List.of(stalling)).run(stalling, SAGA, Map.of()))
                    .hasMessageContaining("owned by instance instance-b");
            assertThat(a.load(SAGA)).last().satisfies(record -> assertThat(record.owner()).isEqualTo("instance-b"));
        }
    }
}
