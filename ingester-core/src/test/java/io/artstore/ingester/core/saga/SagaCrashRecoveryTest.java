package io.artstore.ingester.core.saga;

import static io.artstore.ingester.core.saga.SagaState.COMPENSATED;
import static io.artstore.ingester.core.saga.SagaState.COMPLETED;
import static io.artstore.ingester.core.saga.testing.SagaScenario.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.saga.testing.SagaScenario;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The first instance dies before each record it would write, in turn; another instance recovers the saga.
 * Whatever the moment, the saga must end the same way and leave its effects whole or wholly undone.
 */
class SagaCrashRecoveryTest {

    private final SagaDefinition<Map<String, String>> moveFile = TestSagas.withPivot();

    @Test
    void finishes_a_saga_that_would_have_completed() {
        given(moveFile).expectRecoveryFromEveryCrash(COMPLETED);
        given(TestSagas.withoutPivot()).expectRecoveryFromEveryCrash(COMPLETED);
        given(TestSagas.allCompensable()).expectRecoveryFromEveryCrash(COMPLETED);
    }

    @Test
    void undoes_a_saga_whose_compensable_step_fails() {
        given(moveFile).whenStep("stage-copy").fails().expectRecoveryFromEveryCrash(COMPENSATED);
        given(TestSagas.allCompensable()).whenStep("record-in-catalogue").failsAfterItsSideEffect().expectRecoveryFromEveryCrash(COMPENSATED);
    }

    @Test
    void undoes_a_saga_whose_pivot_fails_for_good() {
        given(moveFile).whenStep("delete-source").fails().expectRecoveryFromEveryCrash(COMPENSATED);
    }

    @Test
    void finishes_retries_whichever_attempt_the_crash_cut() {
        given(moveFile).whenStep("delete-source").failsTransiently(2).expectRecoveryFromEveryCrash(COMPLETED);
        given(moveFile).whenStep("publish-event").failsTransientlyAfterItsSideEffect(2).expectRecoveryFromEveryCrash(COMPLETED);
        given(moveFile).whenStep("stage-copy").failsTransiently(1).expectRecoveryFromEveryCrash(COMPLETED);
    }

    @Test
    void finishes_compensating_when_compensations_fail_now_and_then() {
        given(moveFile).whenStep("delete-source").fails().whenCompensationOf("stage-copy").fails(2)
                .expectRecoveryFromEveryCrash(COMPENSATED);
    }

    @Test
    void tells_the_recovered_step_that_the_crashed_attempt_may_have_taken_effect() {
        SagaScenario<Map<String, String>> crashed = given(moveFile).crashingAfterRecords(6);

        crashed.expectState(COMPLETED).expectAttempts("delete-source", 2).expectConsistentEffects();
        assertThat(crashed.records().get(5).kind()).isEqualTo(SagaRecord.Kind.STEP_STARTED);
        assertThat(crashed.records().get(6).kind()).isEqualTo(SagaRecord.Kind.LEASE_CLAIMED);
        assertThat(crashed.records().get(6).owner()).isEqualTo(SagaScenario.RECOVERING_INSTANCE);
        assertThat(crashed.records().get(7)).satisfies(rerun -> {
            assertThat(rerun.kind()).isEqualTo(SagaRecord.Kind.STEP_STARTED);
            assertThat(rerun.attempt()).isEqualTo(2);
        });
    }
}
