package io.artstore.ingester.core.saga;

import static io.artstore.ingester.core.saga.SagaRecord.Kind.COMPENSATION_STARTED;
import static io.artstore.ingester.core.saga.SagaRecord.Kind.COMPENSATION_SUCCEEDED;
import static io.artstore.ingester.core.saga.SagaRecord.Kind.LEASE_CLAIMED;
import static io.artstore.ingester.core.saga.SagaRecord.Kind.SAGA_COMPENSATED;
import static io.artstore.ingester.core.saga.SagaRecord.Kind.SAGA_COMPLETED;
import static io.artstore.ingester.core.saga.SagaRecord.Kind.SAGA_STARTED;
import static io.artstore.ingester.core.saga.SagaRecord.Kind.STEP_FAILED;
import static io.artstore.ingester.core.saga.SagaRecord.Kind.STEP_STARTED;
import static io.artstore.ingester.core.saga.SagaRecord.Kind.STEP_SUCCEEDED;
import static io.artstore.ingester.core.saga.TestSagas.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.port.out.TraceSpan;
import io.artstore.ingester.core.testing.RecordingTracing;
import io.artstore.ingester.core.saga.testing.ClockSleeper;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SagaOrchestratorTest {

    private static final Duration LEASE = Duration.ofMinutes(1);

    private final ManualClock clock = ManualClock.atSomeInstant();
    private final ClockSleeper sleeper = new ClockSleeper(clock);
    private final InMemorySagaLog log = new InMemorySagaLog();
    private final SagaId sagaId = new SagaId("saga-1");

    private SagaOrchestrator orchestrator(String instance, SagaDefinition<?>... definitions) {
        return orchestrator(instance, SagaListener.NONE, Duration.ofHours(1), definitions);
    }

    private SagaOrchestrator orchestrator(String instance, SagaListener listener, Duration maxRetryWait, SagaDefinition<?>... definitions) {
        return new SagaOrchestrator(log, List.of(definitions), new SagaEngine(JitterSource.fixed(0.0)),
                new SagaOrchestrator.Settings(instance, LEASE, maxRetryWait), clock, sleeper, listener);
    }

    private List<SagaRecord.Kind> kinds() {
        return log.load(sagaId).stream().map(SagaRecord::kind).toList();
    }

    @Test
    void runs_every_step_in_turn_and_hands_each_the_data_the_one_before_left() {
        SagaDefinition<Map<String, String>> saga = TestSagas.withPivot();

        SagaResult<Map<String, String>> result = orchestrator("instance-a", saga).run(saga, sagaId, Map.of("file_id", "f-1"));

        assertThat(result.state()).isEqualTo(SagaState.COMPLETED);
        assertThat(result.data()).containsEntry("file_id", "f-1").containsEntry("reservation", "r-1")
                .containsEntry("source", "deleted").containsEntry("event", "published");
        assertThat(result.failure()).isEmpty();
        assertThat(kinds()).containsExactly(SAGA_STARTED, STEP_STARTED, STEP_SUCCEEDED, STEP_STARTED, STEP_SUCCEEDED,
                STEP_STARTED, STEP_SUCCEEDED, STEP_STARTED, STEP_SUCCEEDED, STEP_STARTED, STEP_SUCCEEDED, SAGA_COMPLETED);
        assertThat(log.load(sagaId)).allSatisfy(record -> {
            assertThat(record.owner()).isEqualTo("instance-a");
            assertThat(record.leaseUntil()).isEqualTo(record.at().plus(LEASE));
        });
    }

    @Test
    void appends_only_the_start_of_a_step_idempotent_whatever_its_attempt_without_asking_for_a_force() {
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("deferring")
                .step("stage").invoke(note("staged", "yes")).withCompensation(note("staged", "no"))
                .step("publish").invoke(note("published", "yes")).pivot()
                .step("record").invoke(note("recorded", "yes")).retriableIdempotent()
                .step("announce").invoke(note("announced", "yes")).retriable()
                .build();
        List<String> deferred = new ArrayList<>();
        SagaLog deferring = new SagaLog() {
            @Override
            public void append(SagaRecord record) {
                log.append(record);
            }

            @Override
            public void appendDurableWithNext(SagaRecord record) {
                deferred.add(record.kind() + " " + record.step());
                log.append(record);
            }

            @Override
            public List<SagaRecord> load(SagaId id) {
                return log.load(id);
            }

            @Override
            public List<SagaSummary> unfinished() {
                return log.unfinished();
            }

            @Override
            public boolean tryClaim(SagaId id, String owner, java.time.Instant now, java.time.Instant leaseUntil) {
                return log.tryClaim(id, owner, now, leaseUntil);
            }

            @Override
            public List<SagaSummary> list(SagaState state) {
                return log.list(state);
            }
        };

        SagaResult<Map<String, String>> result = new SagaOrchestrator(deferring, List.of(saga), new SagaEngine(JitterSource.fixed(0.0)),
                new SagaOrchestrator.Settings("instance-a", LEASE, Duration.ofHours(1)), clock, sleeper, SagaListener.NONE)
                .run(saga, sagaId, Map.of());

        assertThat(result.state()).isEqualTo(SagaState.COMPLETED);
        assertThat(deferred).as("only the start of step 2, 'record'").containsExactly(STEP_STARTED + " 2");
        assertThat(kinds()).hasSize(10);
    }

    @Test
    void logs_a_steps_intent_before_it_acts_and_its_data_after() {
        AtomicReference<SagaRecord> seenByStep = new AtomicReference<>();
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("one")
                .step("look").invoke((data, attempt) -> {
                    List<SagaRecord> sofar = log.load(attempt.sagaId());
                    seenByStep.set(sofar.get(sofar.size() - 1));
                    return note("looked", "yes").run(data, attempt);
                }).pivot()
                .build();

        orchestrator("instance-a", saga).run(saga, sagaId, Map.of());

        assertThat(seenByStep.get().kind()).isEqualTo(STEP_STARTED);
        assertThat(seenByStep.get().attempt()).isEqualTo(1);
        assertThat(seenByStep.get().data()).isEmpty();
        assertThat(log.load(sagaId).get(2).data()).containsEntry("looked", "yes");
    }

    @Test
    void tells_a_retried_step_which_attempt_it_is() {
        List<StepAttempt> attempts = new ArrayList<>();
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("one")
                .step("flaky").invoke((data, attempt) -> {
                    attempts.add(attempt);
                    if (attempt.number() < 3) {
                        throw new IngestException(IngestException.Kind.UNAVAILABLE, "storage_unavailable", "try later");
                    }
                    return data;
                }).withCompensation((data, attempt) -> data)
                .retryPolicy(TestSagas.RETRIES)
                .build();

        SagaResult<Map<String, String>> result = orchestrator("instance-a", saga).run(saga, sagaId, Map.of());

        assertThat(result.state()).isEqualTo(SagaState.COMPLETED);
        assertThat(attempts).extracting(StepAttempt::number).containsExactly(1, 2, 3);
        assertThat(attempts).allSatisfy(attempt -> assertThat(attempt.earlierAttemptUnfinished()).isFalse());
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(log.load(sagaId)).filteredOn(record -> record.kind() == STEP_FAILED).allSatisfy(failed ->
                assertThat(failed.failure()).hasValueSatisfying(failure -> {
                    assertThat(failure.type()).isEqualTo(StepFailure.Type.TRANSIENT);
                    assertThat(failure.message()).isEqualTo("storage_unavailable: try later");
                }));
    }

    @Test
    void reports_what_turned_the_saga_back_with_the_exception_thrown() {
        IngestException mismatch = new IngestException(IngestException.Kind.CONTENT_MISMATCH, "checksum_mismatch", "the bytes differ");
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("add")
                .step("reserve").invoke(note("reservation", "r-1")).withCompensation(note("reservation", "released"))
                .step("store").invoke((data, attempt) -> {
                    throw mismatch;
                }).withCompensation((data, attempt) -> data)
                .step("tell").invoke((data, attempt) -> data).retriable()
                .build();

        SagaResult<Map<String, String>> result = orchestrator("instance-a", saga).run(saga, sagaId, Map.of());

        assertThat(result.state()).isEqualTo(SagaState.COMPENSATED);
        assertThat(result.data()).containsEntry("reservation", "released");
        assertThat(result.failure()).contains(StepFailure.permanent("checksum_mismatch: the bytes differ"));
        assertThat(result.cause()).containsSame(mismatch);
        assertThat(kinds()).containsExactly(SAGA_STARTED, STEP_STARTED, STEP_SUCCEEDED, STEP_STARTED, STEP_FAILED,
                COMPENSATION_STARTED, COMPENSATION_SUCCEEDED, COMPENSATION_STARTED, COMPENSATION_SUCCEEDED, SAGA_COMPENSATED);
    }

    @Test
    void leaves_a_saga_to_recovery_when_its_next_retry_is_too_far_off() {
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("tell")
                .step("publish").invoke((data, attempt) -> {
                    if (attempt.number() <= 4) {
                        throw new IllegalStateException("broker down");
                    }
                    return note("event", "published").run(data, attempt);
                }).retriable()
                .retryPolicy(TestSagas.RETRIES)
                .build();

        SagaResult<Map<String, String>> handedOff = orchestrator("instance-a", SagaListener.NONE, Duration.ofSeconds(4), saga)
                .run(saga, sagaId, Map.of());

        assertThat(handedOff.state()).isEqualTo(SagaState.RUNNING);
        assertThat(handedOff.failure()).hasValueSatisfying(failure -> assertThat(failure.message()).contains("broker down"));
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(orchestrator("instance-b", saga).recover()).as("lease still held").isEmpty();

        clock.advance(LEASE);
        List<SagaResult<?>> recovered = orchestrator("instance-b", saga).recover();

        assertThat(recovered).singleElement().satisfies(result -> assertThat(result.state()).isEqualTo(SagaState.COMPLETED));
        assertThat(log.load(sagaId)).filteredOn(record -> record.kind() == LEASE_CLAIMED).singleElement()
                .satisfies(claim -> assertThat(claim.owner()).isEqualTo("instance-b"));
    }

    @Test
    void recovers_only_sagas_it_knows_whose_lease_has_expired() {
        SagaDefinition<Map<String, String>> saga = TestSagas.withPivot();
        SagaDefinition<Map<String, String>> other = TestSagas.allCompensable();
        log.append(new SagaRecord(sagaId, saga.name(), 0, SAGA_STARTED, SagaRecord.NO_STEP, 0, clock.instant(), "instance-a",
                clock.instant().plus(LEASE), Map.of(), Optional.empty()));
        SagaId unknownType = new SagaId("saga-of-another-type");
        log.append(new SagaRecord(unknownType, other.name(), 0, SAGA_STARTED, SagaRecord.NO_STEP, 0, clock.instant(), "instance-a",
                clock.instant(), Map.of(), Optional.empty()));

        assertThat(orchestrator("instance-b", saga).recover()).isEmpty();
        clock.advance(LEASE);
        assertThat(orchestrator("instance-b", saga).recover()).extracting(SagaResult::sagaId).containsExactly(sagaId);
        assertThat(log.unfinished()).extracting(SagaSummary::sagaId).containsExactly(unknownType);
    }

    @Test
    void a_saga_taken_over_by_recovery_is_one_span_around_its_steps() {
        RecordingTracing tracing = new RecordingTracing();
        SagaDefinition<Map<String, String>> saga = TestSagas.withPivot().intercepted((data, attempt, proceed) -> {
            try (TraceSpan span = tracing.start("step " + attempt.step())) {
                span.attribute("attempt", String.valueOf(attempt.number()));
                return proceed.run(data, attempt);
            }
        });
        log.append(new SagaRecord(sagaId, saga.name(), 0, SAGA_STARTED, SagaRecord.NO_STEP, 0, clock.instant(), "instance-a",
                clock.instant().plus(LEASE), Map.of(), Optional.empty()));
        clock.advance(LEASE);

        new SagaOrchestrator(log, List.of(saga), new SagaEngine(JitterSource.fixed(0.0)),
                new SagaOrchestrator.Settings("instance-b", LEASE, LEASE), clock, sleeper, SagaListener.NONE, tracing).recover();

        assertThat(tracing.spans()).filteredOn(span -> span.name().equals("saga.recover")).singleElement().satisfies(span -> {
            assertThat(span.parent()).isEmpty();
            assertThat(span.attributes()).containsEntry("artstore.saga_id", sagaId.toString())
                    .containsEntry("artstore.saga.previous_owner", "instance-a")
                    .containsEntry("artstore.saga.state", "COMPLETED");
        });
        assertThat(tracing.spans()).filteredOn(span -> span.name().startsWith("step ")).hasSize(5)
                .allSatisfy(span -> assertThat(span.parent()).contains("saga.recover"));
    }

    /** A saga type whose version 2 inserted a step before the pivot. */
    private static SagaDefinition<Map<String, String>> move(int version) {
        SagaDefinition.Builder<Map<String, String>> builder = SagaDefinition.named("move").version(version)
                .step("take").invoke(note("taken", "yes")).withCompensation(note("taken", "back"));
        if (version >= 2) {
            builder.step("check").invoke(note("checked", "yes")).withCompensation(note("checked", "back"));
        }
        return builder.step("put").invoke(note("put", "yes")).pivot()
                .step("tell").invoke(note("told", "yes")).retriable()
                .build();
    }

    @Test
    void recovers_a_saga_with_the_definition_of_the_version_it_was_started_with() {
        SagaDefinition<Map<String, String>> first = move(1);
        for (SagaRecord record : List.of(
                new SagaRecord(sagaId, "move", 0, SAGA_STARTED, SagaRecord.NO_STEP, 0, clock.instant(), "instance-a",
                        clock.instant().plus(LEASE), Map.of(), Optional.empty()),
                new SagaRecord(sagaId, "move", 1, STEP_STARTED, 0, 1, clock.instant(), "instance-a",
                        clock.instant().plus(LEASE), Map.of(), Optional.empty()),
                new SagaRecord(sagaId, "move", 2, STEP_SUCCEEDED, 0, 1, clock.instant(), "instance-a",
                        clock.instant().plus(LEASE), Map.of("taken", "yes"), Optional.empty()),
                new SagaRecord(sagaId, "move", 3, STEP_STARTED, first.indexOf("put"), 1, clock.instant(), "instance-a",
                        clock.instant().plus(LEASE), Map.of("taken", "yes"), Optional.empty()))) {
            log.append(record);
        }
        clock.advance(LEASE);

        List<SagaResult<?>> recovered = orchestrator("instance-b", move(2), first).recover();

        assertThat(recovered).singleElement().satisfies(result -> {
            assertThat(result.state()).isEqualTo(SagaState.COMPLETED);
            assertThat(result.data()).isEqualTo(Map.of("taken", "yes", "put", "yes", "told", "yes"));
        });
        assertThat(log.load(sagaId)).extracting(SagaRecord::definitionVersion).containsOnly(1);
    }

    @Test
    void starts_new_sagas_with_the_newest_version_only_and_records_it() {
        SagaOrchestrator orchestrator = orchestrator("instance-a", move(2), move(1));

        assertThatThrownBy(() -> orchestrator.run(move(1), sagaId, Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 2");
        assertThat(log.load(sagaId)).isEmpty();

        assertThat(orchestrator.run(move(2), sagaId, Map.of()).data()).containsEntry("checked", "yes");
        assertThat(log.load(sagaId)).extracting(SagaRecord::definitionVersion).containsOnly(2);
    }

    @Test
    void tells_a_step_resumed_after_a_crash_that_an_attempt_was_left_unfinished() {
        List<StepAttempt> attempts = new ArrayList<>();
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("one")
                .step("delete").invoke((data, attempt) -> {
                    attempts.add(attempt);
                    return data;
                }).pivot()
                .build();
        log.append(new SagaRecord(sagaId, "one", 0, SAGA_STARTED, SagaRecord.NO_STEP, 0, clock.instant(), "instance-a",
                clock.instant().plus(LEASE), Map.of(), Optional.empty()));
        log.append(new SagaRecord(sagaId, "one", 1, STEP_STARTED, 0, 1, clock.instant(), "instance-a",
                clock.instant().plus(LEASE), Map.of(), Optional.empty()));
        clock.advance(LEASE);

        orchestrator("instance-b", saga).recover();

        assertThat(attempts).containsExactly(new StepAttempt(sagaId, "delete", false, 2, true));
        assertThat(SagaState.of(log.load(sagaId))).isEqualTo(SagaState.COMPLETED);
    }

    @Test
    void goes_on_recovering_the_others_when_one_saga_cannot_be_driven() {
        SagaDefinition<Map<String, String>> saga = TestSagas.allCompensable();
        SagaId broken = new SagaId("saga-0-broken");
        log.append(new SagaRecord(broken, saga.name(), 0, SAGA_STARTED, SagaRecord.NO_STEP, 0, clock.instant(), "instance-a",
                clock.instant(), Map.of(), Optional.empty()));
        log.append(new SagaRecord(broken, saga.name(), 1, STEP_STARTED, 7, 1, clock.instant(), "instance-a",
                clock.instant(), Map.of(), Optional.empty()));
        log.append(new SagaRecord(sagaId, saga.name(), 0, SAGA_STARTED, SagaRecord.NO_STEP, 0, clock.instant(), "instance-a",
                clock.instant(), Map.of(), Optional.empty()));
        List<SagaId> failed = new ArrayList<>();
        SagaListener listener = new SagaListener() {
            @Override
            public void recoveryFailed(SagaId id, RuntimeException failure) {
                failed.add(id);
            }
        };

        List<SagaResult<?>> recovered = orchestrator("instance-b", listener, Duration.ofHours(1), saga).recover();

        assertThat(failed).containsExactly(broken);
        assertThat(recovered).extracting(SagaResult::sagaId).containsExactly(sagaId);
    }

    @Test
    void tells_its_listener_what_a_failed_attempt_threw_before_the_failure_is_logged() {
        IngestException refusal = IngestException.invalid("empty_file", "the file is empty");
        IllegalStateException compensationTrouble = new IllegalStateException("the element is slow");
        List<String> seen = new ArrayList<>();
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("refused")
                .step("reserve").invoke((data, attempt) -> data).withCompensation((data, attempt) -> {
                    if (attempt.number() == 1) {
                        throw compensationTrouble;
                    }
                    return data;
                })
                .step("stage").invoke((Map<String, String> data, StepAttempt attempt) -> {
                    throw refusal;
                }).withCompensation((data, attempt) -> data)
                .build();
        SagaListener listener = new SagaListener() {
            @Override
            public void attemptFailed(SagaId id, boolean compensation, Exception cause) {
                seen.add(id.value() + " " + (compensation ? "compensation" : "step") + " " + cause.getMessage()
                        + " after " + log.load(id).get(log.load(id).size() - 1).kind());
            }
        };

        orchestrator("instance-a", listener, Duration.ofHours(1), saga).run(saga, sagaId, Map.of());

        assertThat(seen).containsExactly(
                "saga-1 step the file is empty after " + STEP_STARTED,
                "saga-1 compensation the element is slow after " + COMPENSATION_STARTED);
    }

    @Test
    void stops_when_another_instance_has_taken_the_saga_over() {
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("slow")
                .step("stall").invoke((data, attempt) -> {
                    clock.advance(LEASE.plusSeconds(1));
                    assertThat(log.tryClaim(attempt.sagaId(), "instance-b", clock.instant(), clock.instant().plus(LEASE))).isTrue();
                    return data;
                }).withCompensation((data, attempt) -> data)
                .build();

        assertThatThrownBy(() -> orchestrator("instance-a", saga).run(saga, sagaId, Map.of()))
                .isInstanceOfSatisfying(IngestException.class, conflict -> assertThat(conflict.code()).isEqualTo("saga_log_conflict"));
        assertThat(kinds()).containsExactly(SAGA_STARTED, STEP_STARTED, LEASE_CLAIMED);
    }

    @Test
    void refuses_to_start_a_saga_under_an_id_already_taken() {
        SagaDefinition<Map<String, String>> saga = TestSagas.withPivot();
        orchestrator("instance-a", saga).run(saga, sagaId, Map.of());

        assertThatThrownBy(() -> orchestrator("instance-a", saga).run(saga, sagaId, Map.of()))
                .isInstanceOfSatisfying(IngestException.class, conflict -> assertThat(conflict.kind()).isEqualTo(IngestException.Kind.CONFLICT));
    }

    @Test
    void leaves_an_interrupted_step_for_recovery_and_keeps_the_interrupt() {
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("one")
                .step("wait").invoke((data, attempt) -> {
                    throw new InterruptedException("shutting down");
                }).pivot()
                .build();

        try {
            assertThatThrownBy(() -> orchestrator("instance-a", saga).run(saga, sagaId, Map.of()))
                    .isInstanceOfSatisfying(IngestException.class, unavailable -> assertThat(unavailable.code()).isEqualTo("saga_interrupted"));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(kinds()).containsExactly(SAGA_STARTED, STEP_STARTED);
    }

    @Test
    void tells_the_listener_each_decision_and_each_record() {
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("one")
                .step("only").invoke((data, attempt) -> data).pivot()
                .build();
        List<String> heard = new ArrayList<>();
        SagaListener listener = new SagaListener() {
            @Override
            public void recorded(SagaRecord record) {
                heard.add(record.kind().name());
            }

            @Override
            public void decided(SagaId id, SagaDecision decision) {
                heard.add(decision.getClass().getSimpleName());
            }
        };

        orchestrator("instance-a", listener, Duration.ofHours(1), saga).run(saga, sagaId, Map.of());

        assertThat(heard).containsExactly("SAGA_STARTED", "RunStep", "STEP_STARTED", "STEP_SUCCEEDED", "Complete", "SAGA_COMPLETED");
    }

    @Test
    void writes_compensations_after_a_timeout_into_the_log() {
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("slow")
                .step("reserve").invoke((data, attempt) -> {
                    clock.advance(Duration.ofMinutes(11));
                    return data;
                }).withCompensation((data, attempt) -> data)
                .step("store").invoke((data, attempt) -> data).pivot()
                .timeout(Duration.ofMinutes(10))
                .build();

        SagaResult<Map<String, String>> result = orchestrator("instance-a", saga).run(saga, sagaId, Map.of());

        assertThat(result.state()).isEqualTo(SagaState.COMPENSATED);
        assertThat(result.failure()).isEmpty();
        assertThat(kinds()).containsExactly(SAGA_STARTED, STEP_STARTED, STEP_SUCCEEDED, COMPENSATION_STARTED,
                COMPENSATION_SUCCEEDED, SAGA_COMPENSATED);
    }

    @Test
    void counts_a_step_that_returns_no_data_as_failed_for_good() {
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("careless")
                .step("reserve").invoke(note("reservation", "r-1")).withCompensation(note("reservation", "released"))
                .step("forget").invoke((data, attempt) -> null).withCompensation((data, attempt) -> data)
                .build();

        SagaResult<Map<String, String>> result = orchestrator("instance-a", saga).run(saga, sagaId, Map.of());

        assertThat(result.state()).isEqualTo(SagaState.COMPENSATED);
        assertThat(result.data()).containsEntry("reservation", "released");
        assertThat(result.failure()).hasValueSatisfying(failure -> {
            assertThat(failure.type()).isEqualTo(StepFailure.Type.PERMANENT);
            assertThat(failure.message()).contains("'forget' returned no data");
        });
        assertThat(result.cause()).isEmpty();
    }
}
