package io.artstore.ingester.core.saga;

import static io.artstore.ingester.core.saga.SagaState.COMPENSATED;
import static io.artstore.ingester.core.saga.SagaState.COMPLETED;
import static io.artstore.ingester.core.saga.SagaState.FAILED_COMPENSATION;
import static io.artstore.ingester.core.saga.SagaState.RUNNING;
import static io.artstore.ingester.core.saga.testing.SagaScenario.given;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine and orchestrator together, as flows will use them, with faults injected around the steps. */
class SagaScenarioTest {

    private final SagaDefinition<Map<String, String>> moveFile = TestSagas.withPivot();
    private final SagaDefinition<Map<String, String>> addFile = TestSagas.allCompensable();

    @Test
    void completes_when_nothing_fails() {
        given(moveFile)
                .expectState(COMPLETED)
                .expectStepsAttempted("reserve-space", "stage-copy", "delete-source", "update-catalogue", "publish-event")
                .expectNoCompensations()
                .expectWaits()
                .expectConsistentEffects();
    }

    @Test
    void undoes_the_steps_before_a_compensable_step_that_fails() {
        given(moveFile).whenStep("reserve-space").fails()
                .expectState(COMPENSATED)
                .expectCompensations("reserve-space")
                .expectEffects();
        given(moveFile).whenStep("stage-copy").fails()
                .expectState(COMPENSATED)
                .expectStepsAttempted("reserve-space", "stage-copy")
                .expectCompensations("stage-copy", "reserve-space")
                .expectEffects();
    }

    @Test
    void undoes_the_effect_of_a_step_that_failed_after_taking_effect() {
        given(addFile).whenStep("store").failsAfterItsSideEffect()
                .expectState(COMPENSATED)
                .expectCompensations("store", "reserve-space")
                .expectEffects("check-mode");
    }

    @Test
    void undoes_the_steps_before_a_pivot_that_fails_for_good_but_not_the_pivot() {
        given(moveFile).whenStep("delete-source").fails()
                .expectState(COMPENSATED)
                .expectCompensations("stage-copy", "reserve-space")
                .expectEffects();
    }

    @Test
    void completes_when_a_compensable_step_fails_fewer_times_than_allowed() {
        given(moveFile).withJitter(JitterSource.fixed(0.0)).whenStep("stage-copy").failsTransiently(2)
                .expectState(COMPLETED)
                .expectAttempts("stage-copy", 3)
                .expectWaits(ofSeconds(1), ofSeconds(2))
                .expectNoCompensations();
    }

    @Test
    void undoes_a_compensable_step_that_fails_as_often_as_allowed() {
        given(moveFile).whenStep("stage-copy").failsTransiently(3)
                .expectState(COMPENSATED)
                .expectAttempts("stage-copy", 3)
                .expectCompensations("stage-copy", "reserve-space");
    }

    @Test
    void retries_the_pivot_until_it_succeeds() {
        given(moveFile).withJitter(JitterSource.fixed(0.0)).whenStep("delete-source").failsTransiently(6)
                .expectState(COMPLETED)
                .expectAttempts("delete-source", 7)
                .expectWaits(ofSeconds(1), ofSeconds(2), ofSeconds(4), ofSeconds(8), ofSeconds(8), ofSeconds(8))
                .expectNoCompensations();
    }

    @Test
    void retries_a_step_after_the_pivot_until_it_succeeds_even_after_its_effect() {
        given(moveFile).whenStep("publish-event").failsTransientlyAfterItsSideEffect(5)
                .expectState(COMPLETED)
                .expectAttempts("publish-event", 6)
                .expectNoCompensations()
                .expectConsistentEffects();
    }

    @Test
    void keeps_every_retry_within_its_backoff_bounds() {
        Backoff backoff = TestSagas.RETRIES.backoff();
        var waits = given(moveFile).whenStep("update-catalogue").failsTransiently(8).waits();

        assertThat(waits).hasSize(8);
        for (int retry = 1; retry <= waits.size(); retry++) {
            Duration full = backoff.delay(retry, 0.0);
            assertThat(waits.get(retry - 1)).as("wait before retry " + retry).isBetween(full.dividedBy(2), full);
        }
    }

    @Test
    void hands_a_saga_stuck_after_its_pivot_to_recovery_instead_of_waiting_forever() {
        given(moveFile).whenStep("publish-event").keepsFailingTransiently().handingOffAfter(ofMinutes(1))
                .expectState(RUNNING)
                .expectNoCompensations()
                .expectEffects("reserve-space", "stage-copy", "delete-source", "update-catalogue");
    }

    @Test
    void finishes_compensating_when_a_compensation_fails_fewer_times_than_allowed() {
        given(moveFile).whenStep("delete-source").fails().whenCompensationOf("reserve-space").fails(3)
                .expectState(COMPENSATED)
                .expectCompensationAttempts("reserve-space", 4)
                .expectCompensations("stage-copy", "reserve-space")
                .expectEffects();
    }

    @Test
    void parks_the_saga_when_a_compensation_keeps_failing() {
        given(moveFile).whenStep("delete-source").fails().whenCompensationOf("reserve-space").alwaysFails()
                .expectState(FAILED_COMPENSATION)
                .expectCompensationAttempts("reserve-space", TestSagas.RETRIES.compensationAttempts())
                .expectCompensations("stage-copy")
                .expectEffects("reserve-space")
                .expectParkedBecause("compensation of step 'reserve-space' failed 4 times");
    }

    @Test
    void parks_without_undoing_earlier_steps_when_a_later_compensation_keeps_failing() {
        given(moveFile).whenStep("delete-source").fails().whenCompensationOf("stage-copy").alwaysFails()
                .expectState(FAILED_COMPENSATION)
                .expectCompensations()
                .expectEffects("reserve-space", "stage-copy");
    }

    @Test
    void undoes_a_saga_that_times_out_before_its_pivot() {
        given(moveFile).whenStep("stage-copy").takes(TestSagas.TIMEOUT)
                .expectState(COMPENSATED)
                .expectStepsAttempted("reserve-space", "stage-copy")
                .expectCompensations("stage-copy", "reserve-space");
    }

    @Test
    void sees_a_saga_through_that_times_out_after_its_pivot() {
        given(moveFile).whenStep("delete-source").takes(TestSagas.TIMEOUT.plus(Duration.ofMinutes(1)))
                .expectState(COMPLETED)
                .expectNoCompensations();
    }

    @Test
    void stops_retrying_a_compensable_step_at_the_timeout() {
        given(moveFile).whenStep("stage-copy").keepsFailingTransiently().whenStep("stage-copy").takes(ofMinutes(4))
                .expectState(COMPENSATED)
                .expectAttempts("stage-copy", 3)
                .expectCompensations("stage-copy", "reserve-space");
        given(moveFile).whenStep("stage-copy").keepsFailingTransiently().whenStep("stage-copy").takes(ofMinutes(6))
                .expectState(COMPENSATED)
                .expectAttempts("stage-copy", 2);
    }

    @Test
    void gives_the_scenario_result_and_log_for_assertions_of_ones_own() {
        var scenario = given(addFile).startingWith(Map.of("file_id", "f-1")).whenStep("record-in-catalogue").fails();

        assertThat(scenario.result().data()).containsEntry("file_id", "f-1").containsEntry("stored", "deleted");
        assertThat(scenario.result().failure()).hasValueSatisfying(failure -> assertThat(failure.isPermanent()).isTrue());
        assertThat(scenario.records()).last().satisfies(record -> assertThat(record.kind()).isEqualTo(SagaRecord.Kind.SAGA_COMPENSATED));
    }
}
