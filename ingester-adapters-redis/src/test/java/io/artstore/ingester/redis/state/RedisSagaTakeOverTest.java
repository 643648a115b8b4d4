package io.artstore.ingester.redis.state;

import static io.artstore.ingester.redis.state.Racers.race;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaResult;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaStep;
import io.artstore.ingester.core.saga.testing.ClockSleeper;
import io.artstore.ingester.core.saga.testing.CrashingSagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One instance dies half-way through a saga kept in Redis; once its lease (the saga's, or the instance's own) has
 * expired, two others race to take it over, and exactly one of them drives it to its end.
 */
class RedisSagaTakeOverTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final SagaId SAGA = new SagaId("saga-1");

    private final ManualClock clock = ManualClock.atSomeInstant();
    private final List<String> effects = Collections.synchronizedList(new ArrayList<>());
    private final SagaDefinition<Map<String, String>> moveFile = SagaDefinition.named("move-file")
            .step("stage-copy").invoke(effect("stage-copy")).withCompensation(effect("discard-copy"))
            .step("delete-source").invoke(effect("delete-source")).pivot()
            .step("publish-event").invoke(effect("publish-event")).retriable()
            .build();

    @Test
    void of_two_instances_racing_for_a_dead_instances_saga_exactly_one_finishes_it() throws Exception {
        SagaLog a = log("instance-a");
        // The instance leases outlive the test: only the saga's own lease tells that instance-a stopped.
        holdLease("instance-a", Duration.ofMinutes(10));
        holdLease("instance-b", Duration.ofMinutes(10));
        holdLease("instance-c", Duration.ofMinutes(10));
        // Dies after logging the pivot's intent (records: start, stage intent and outcome, pivot intent).
        assertThatThrownBy(() -> orchestrator(new CrashingSagaLog(a, 4), "instance-a").run(moveFile, SAGA, Map.of()))
                .isInstanceOf(SimulatedCrash.class);
        SagaOrchestrator b = orchestrator(log("instance-b"), "instance-b");
        SagaOrchestrator c = orchestrator(log("instance-c"), "instance-c");
        assertThat(b.recover()).as("the lease still runs").isEmpty();

        clock.advance(LEASE);
        List<SagaResult<?>> recovered = race(b::recover, c::recover);

        assertThat(recovered).singleElement().satisfies(result -> assertThat(result.state()).isEqualTo(SagaState.COMPLETED));
        assertThat(effects).containsExactly("stage-copy", "delete-source", "delete-source", "publish-event");
        List<SagaRecord> records = log("instance-x").load(SAGA);
        assertThat(records).extracting(SagaRecord::sequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(records.get(4).kind()).isEqualTo(SagaRecord.Kind.LEASE_CLAIMED);
        assertThat(records.subList(4, 10)).extracting(SagaRecord::owner).containsOnly(records.get(4).owner());
        assertThat(records.get(4).owner()).isIn("instance-b", "instance-c");
        assertThat(log("instance-x").unfinished()).isEmpty();
        assertThat(log("instance-x").list(SagaState.COMPLETED)).hasSize(1);
    }

    @Test
    void a_saga_whose_owner_stopped_renewing_its_instance_lease_is_finished_by_one_other_before_the_saga_lease_ends()
            throws Exception {
        // Taken once and never renewed: the instance died.
        RedisState stateA = holdLease("instance-a", Duration.ofMillis(500));
        SagaLog a = new RedisSagaLog(stateA);
        assertThatThrownBy(() -> orchestrator(new CrashingSagaLog(a, 4), "instance-a").run(moveFile, SAGA, Map.of()))
                .isInstanceOf(SimulatedCrash.class);
        // The two survivors hold theirs, as every running instance does.
        holdLease("instance-b", Duration.ofMinutes(10));
        holdLease("instance-c", Duration.ofMinutes(10));
        SagaOrchestrator b = orchestrator(log("instance-b"), "instance-b");
        SagaOrchestrator c = orchestrator(log("instance-c"), "instance-c");
        assertThat(b.recover()).as("the instance lease still runs").isEmpty();

        RedisTransferTakeOverTest.awaitTrue(() -> !REDIS.client().exists(stateA.leaseKey("instance-a")),
                Duration.ofSeconds(10));
        // The saga's own lease (a minute on the manual clock) has not run out: the instance lease decides.
        assertThat(a.load(SAGA)).last().satisfies(record -> assertThat(record.leaseExpiredAt(clock.instant())).isFalse());
        List<SagaResult<?>> recovered = race(b::recover, c::recover);

        assertThat(recovered).singleElement().satisfies(result -> assertThat(result.state()).isEqualTo(SagaState.COMPLETED));
        assertThat(effects).containsExactly("stage-copy", "delete-source", "delete-source", "publish-event");
        List<SagaRecord> records = log("instance-x").load(SAGA);
        assertThat(records.get(4).kind()).isEqualTo(SagaRecord.Kind.LEASE_CLAIMED);
        assertThat(records.stream().filter(record -> record.kind() == SagaRecord.Kind.LEASE_CLAIMED)).hasSize(1);
        assertThat(records.subList(4, records.size())).extracting(SagaRecord::owner).containsOnly(records.get(4).owner());
        assertThat(log("instance-x").unfinished()).isEmpty();
        assertThat(b.recover()).as("nothing is left to take").isEmpty();
        assertThat(effects).hasSize(4);
    }

    @Test
    void a_live_instance_lease_keeps_a_running_saga_from_being_taken_over() {
        SagaLog a = new RedisSagaLog(holdLease("instance-a", Duration.ofMinutes(10)));
        assertThatThrownBy(() -> orchestrator(new CrashingSagaLog(a, 4), "instance-a").run(moveFile, SAGA, Map.of()))
                .isInstanceOf(SimulatedCrash.class);

        assertThat(log("instance-b").ownerGone("instance-a")).isFalse();
        assertThat(log("instance-b").tryTakeOver(SAGA, "instance-b", clock.instant(), clock.instant().plus(LEASE))).isFalse();
        assertThat(orchestrator(log("instance-b"), "instance-b").recover()).isEmpty();
        assertThat(a.load(SAGA)).hasSize(4);
    }

    @Test
    void keeps_an_instance_that_outlived_its_lease_from_writing_over_the_one_that_took_over() {
        SagaLog a = log("instance-a");
        SagaLog b = log("instance-b");
        SagaDefinition<Map<String, String>> stalling = SagaDefinition.named("stalling")
                .step("stall").invoke((data, attempt) -> {
                    clock.advance(LEASE.plusSeconds(1));
                    assertThat(b.tryClaim(attempt.sagaId(), "instance-b", clock.instant(), clock.instant().plus(LEASE))).isTrue();
                    return data;
                }).withCompensation((data, attempt) -> data)
                .build();

        assertThatThrownBy(() -> orchestrator(a, "instance-a", List.of(stalling)).run(stalling, SAGA, Map.of()))
                .hasMessageContaining("owned by instance instance-b");
        assertThat(a.load(SAGA)).last().satisfies(record -> assertThat(record.owner()).isEqualTo("instance-b"));
    }

    @Test
    void ended_sagas_expire_after_the_retention_and_leave_no_index_entry_behind() throws Exception {
        SagaLog shortLived = new RedisSagaLog(new RedisState(REDIS.client(),
                RedisState.Settings.standalone("instance-a").withRetention(Duration.ofMillis(300))));
        orchestrator(shortLived, "instance-a").run(moveFile, SAGA, Map.of());
        assertThat(shortLived.list(SagaState.COMPLETED)).hasSize(1);

        RedisTransferTakeOverTest.awaitTrue(() -> shortLived.load(SAGA).isEmpty(), Duration.ofSeconds(10));
        orchestrator(shortLived, "instance-a").run(moveFile, new SagaId("saga-2"), Map.of());

        assertThat(shortLived.list(SagaState.COMPLETED)).extracting(summary -> summary.sagaId().value()).containsExactly("saga-2");
        assertThat(REDIS.client().zrange(RedisState.NAMESPACE + "{sagas}:state:COMPLETED", 0, -1)).containsExactly("saga-2");
    }

    /** Takes the instance's lease once, as a running instance holds it; it is not renewed. */
    private static RedisState holdLease(String instance, Duration lease) {
        RedisState state = new RedisState(REDIS.client(), RedisState.Settings.standalone(instance).withInstanceLease(lease));
        new InstanceLease(state).renew();
        return state;
    }

    private SagaLog log(String instance) {
        return new RedisSagaLog(REDIS.state(instance));
    }

    private SagaOrchestrator orchestrator(SagaLog log, String instance) {
        return orchestrator(log, instance, List.of(moveFile));
    }

    private SagaOrchestrator orchestrator(SagaLog log, String instance, List<SagaDefinition<?>> definitions) {
        return new SagaOrchestrator(log, definitions, new SagaEngine(JitterSource.hashed()),
                new SagaOrchestrator.Settings(instance, LEASE, Duration.ofMinutes(5)), clock, new ClockSleeper(clock), SagaListener.NONE);
    }

    private SagaStep<Map<String, String>> effect(String name) {
        return (data, attempt) -> {
            effects.add(name);
            return data;
        };
    }
}
