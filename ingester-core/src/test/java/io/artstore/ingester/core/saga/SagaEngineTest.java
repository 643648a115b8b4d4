package io.artstore.ingester.core.saga;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.saga.SagaDecision.Compensate;
import io.artstore.ingester.core.saga.SagaDecision.Compensated;
import io.artstore.ingester.core.saga.SagaDecision.Complete;
import io.artstore.ingester.core.saga.SagaDecision.Park;
import io.artstore.ingester.core.saga.SagaDecision.RetryAfter;
import io.artstore.ingester.core.saga.SagaDecision.RunStep;
import io.artstore.ingester.core.saga.testing.SagaLogBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Step numbers: withPivot() is reserve-space 0, stage-copy 1, delete-source 2 (pivot), update-catalogue 3, publish-event 4. */
class SagaEngineTest {

    private static final Instant PAST_TIMEOUT = SagaLogBuilder.START.plus(TestSagas.TIMEOUT);

    private final SagaEngine engine = new SagaEngine(JitterSource.fixed(0.0));
    private final SagaDefinition<Map<String, String>> saga = TestSagas.withPivot();

    private SagaDecision decide(SagaLogBuilder log) {
        return engine.decide(saga, log.records(), log.now());
    }

    private SagaLogBuilder log() {
        return SagaLogBuilder.of(saga);
    }

    @Nested
    class Forward {

        @Test
        void starts_with_the_first_step() {
            assertThat(decide(log())).isEqualTo(new RunStep(0, 1, false));
        }

        @Test
        void runs_the_next_step_once_one_has_succeeded() {
            assertThat(decide(log().ran("reserve-space"))).isEqualTo(new RunStep(1, 1, false));
            assertThat(decide(log().ran("reserve-space", "stage-copy", "delete-source"))).isEqualTo(new RunStep(3, 1, false));
        }

        @Test
        void completes_once_every_step_has_succeeded() {
            assertThat(decide(log().ran("reserve-space", "stage-copy", "delete-source", "update-catalogue", "publish-event")))
                    .isEqualTo(new Complete());
        }

        @Test
        void ignores_lease_claims() {
            assertThat(decide(log().ran("reserve-space").claimedBy("instance-b").started("stage-copy")))
                    .isEqualTo(new RunStep(1, 2, true));
        }

        @Test
        void reruns_a_step_whose_attempt_was_started_but_never_ended() {
            assertThat(decide(log().ran("reserve-space").started("stage-copy"))).isEqualTo(new RunStep(1, 2, true));
            assertThat(decide(log().ran("reserve-space").started("stage-copy").started("stage-copy")))
                    .isEqualTo(new RunStep(1, 3, true));
        }

        @Test
        void still_reports_an_unfinished_attempt_after_a_later_one_failed() {
            SagaLogBuilder log = log().started("reserve-space").started("reserve-space").failedTransiently("reserve-space");

            assertThat(decide(log.after(ofSeconds(1)))).isEqualTo(new RunStep(0, 3, true));
        }
    }

    @Nested
    class Retries {

        @Test
        void waits_out_the_backoff_before_retrying_a_transient_failure() {
            SagaLogBuilder log = log().ran("reserve-space").started("stage-copy").failedTransiently("stage-copy");

            assertThat(decide(log)).isEqualTo(new RetryAfter(1, false, ofSeconds(1)));
            assertThat(decide(log.after(ofMillis(400)))).isEqualTo(new RetryAfter(1, false, ofMillis(600)));
            assertThat(decide(log.after(ofMillis(600)))).isEqualTo(new RunStep(1, 2, false));
        }

        @Test
        void doubles_the_backoff_with_each_failure_up_to_its_maximum() {
            List<Duration> waits = new ArrayList<>();
            SagaLogBuilder log = log().ran("reserve-space", "stage-copy", "delete-source");
            for (int failure = 1; failure <= 6; failure++) {
                log.started("update-catalogue").failedTransiently("update-catalogue");
                RetryAfter retry = (RetryAfter) decide(log);
                waits.add(retry.delay());
                log.after(retry.delay());
                assertThat(decide(log)).isEqualTo(new RunStep(3, failure + 1, false));
            }

            assertThat(waits).containsExactly(ofSeconds(1), ofSeconds(2), ofSeconds(4), ofSeconds(8), ofSeconds(8), ofSeconds(8));
        }

        @Test
        void takes_off_the_jitter_picked_for_the_retry() {
            SagaEngine jittery = new SagaEngine((sagaId, step, retry) -> retry == 2 ? 0.5 : 0.0);
            SagaLogBuilder log = log().started("reserve-space").failedTransiently("reserve-space").after(ofSeconds(1))
                    .started("reserve-space").failedTransiently("reserve-space");

            assertThat(jittery.decide(saga, log.records(), log.now())).isEqualTo(new RetryAfter(0, false, ofMillis(1500)));
        }

        @Test
        void keeps_hashed_jitter_within_its_bounds() {
            SagaEngine hashed = new SagaEngine(JitterSource.hashed());
            SagaLogBuilder log = log().ran("reserve-space", "stage-copy", "delete-source");
            for (int failure = 1; failure <= 5; failure++) {
                log.started("update-catalogue").failedTransiently("update-catalogue");
                Duration full = TestSagas.RETRIES.backoff().delay(failure, 0.0);
                RetryAfter retry = (RetryAfter) hashed.decide(saga, log.records(), log.now());
                assertThat(retry.delay()).isBetween(full.dividedBy(2), full);
                assertThat(hashed.decide(saga, log.records(), log.now())).isEqualTo(retry);
                log.after(retry.delay());
            }
        }

        @Test
        void gives_a_compensable_step_up_after_its_allowed_failures() {
            SagaLogBuilder log = log().ran("reserve-space");
            for (int failure = 1; failure < TestSagas.RETRIES.stepAttempts(); failure++) {
                log.started("stage-copy").failedTransiently("stage-copy").after(ofSeconds(10));
                assertThat(decide(log)).isInstanceOf(RunStep.class);
            }
            log.started("stage-copy").failedTransiently("stage-copy");

            assertThat(decide(log)).isEqualTo(new Compensate(1, 1, false));
        }

        @Test
        void retries_the_pivot_without_limit_while_it_fails_transiently() {
            SagaLogBuilder log = log().ran("reserve-space", "stage-copy");
            for (int failure = 1; failure <= 10; failure++) {
                log.started("delete-source").failedTransiently("delete-source").after(ofSeconds(8));
            }

            assertThat(decide(log)).isEqualTo(new RunStep(2, 11, false));
        }

        @Test
        void retries_a_retriable_step_even_after_a_permanent_failure() {
            SagaLogBuilder log = log().ran("reserve-space", "stage-copy", "delete-source")
                    .started("update-catalogue").failedPermanently("update-catalogue");

            assertThat(decide(log)).isEqualTo(new RetryAfter(3, false, ofSeconds(1)));
        }
    }

    @Nested
    class Compensation {

        @Test
        void undoes_a_failed_step_and_those_before_it_last_first() {
            SagaLogBuilder log = log().ran("reserve-space").started("stage-copy").failedPermanently("stage-copy");

            assertThat(decide(log)).isEqualTo(new Compensate(1, 1, false));
            assertThat(decide(log.compensationStarted("stage-copy").compensated("stage-copy"))).isEqualTo(new Compensate(0, 1, false));
            assertThat(decide(log.compensationStarted("reserve-space").compensated("reserve-space"))).isEqualTo(new Compensated());
        }

        @Test
        void undoes_only_the_steps_before_a_pivot_that_failed_permanently() {
            SagaLogBuilder log = log().ran("reserve-space", "stage-copy").started("delete-source").failedPermanently("delete-source");

            assertThat(decide(log)).isEqualTo(new Compensate(1, 1, false));
        }

        @Test
        void skips_steps_that_have_nothing_to_undo() {
            SagaDefinition<Map<String, String>> addFile = TestSagas.allCompensable();
            SagaLogBuilder failedCheck = SagaLogBuilder.of(addFile).started("check-mode").failedPermanently("check-mode");
            SagaLogBuilder failedStore = SagaLogBuilder.of(addFile).ran("check-mode", "reserve-space").started("store")
                    .failedPermanently("store").compensationStarted("store").compensated("store")
                    .compensationStarted("reserve-space").compensated("reserve-space");

            assertThat(engine.decide(addFile, failedCheck.records(), failedCheck.now())).isEqualTo(new Compensated());
            assertThat(engine.decide(addFile, failedStore.records(), failedStore.now())).isEqualTo(new Compensated());
        }

        @Test
        void reruns_a_compensation_that_was_started_but_never_ended() {
            SagaLogBuilder log = log().ran("reserve-space").started("stage-copy").failedPermanently("stage-copy")
                    .compensationStarted("stage-copy");

            assertThat(decide(log)).isEqualTo(new Compensate(1, 2, true));
        }

        @Test
        void retries_a_failed_compensation_after_the_backoff() {
            SagaLogBuilder log = log().started("reserve-space").failedPermanently("reserve-space")
                    .compensationStarted("reserve-space").compensationFailed("reserve-space")
                    .after(ofSeconds(1)).compensationStarted("reserve-space").compensationFailed("reserve-space");

            assertThat(decide(log)).isEqualTo(new RetryAfter(0, true, ofSeconds(2)));
            assertThat(decide(log.after(ofSeconds(2)))).isEqualTo(new Compensate(0, 3, false));
        }

        @Test
        void parks_the_saga_when_a_compensation_keeps_failing() {
            SagaLogBuilder log = log().ran("reserve-space").started("stage-copy").failedPermanently("stage-copy")
                    .compensationStarted("stage-copy").compensated("stage-copy");
            for (int failure = 1; failure <= TestSagas.RETRIES.compensationAttempts(); failure++) {
                log.compensationStarted("reserve-space").compensationFailed("reserve-space").after(ofSeconds(10));
            }

            assertThat(decide(log)).isInstanceOfSatisfying(Park.class, park -> {
                assertThat(park.state()).isEqualTo(SagaState.FAILED_COMPENSATION);
                assertThat(park.reason()).contains("'reserve-space'", "4 times", "element unreachable");
            });
        }

        @Test
        void keeps_compensating_once_begun_even_if_the_step_would_now_succeed() {
            SagaLogBuilder log = log().ran("reserve-space").started("stage-copy").failedTransiently("stage-copy")
                    .after(TestSagas.TIMEOUT).compensationStarted("stage-copy").compensated("stage-copy");

            assertThat(engine.decide(saga, log.records(), SagaLogBuilder.START.plusSeconds(1))).isEqualTo(new Compensate(0, 1, false));
        }
    }

    @Nested
    class Timeout {

        @Test
        void compensates_a_saga_that_times_out_before_the_pivot() {
            assertThat(engine.decide(saga, log().records(), PAST_TIMEOUT)).isEqualTo(new Compensated());
            assertThat(engine.decide(saga, log().ran("reserve-space").records(), PAST_TIMEOUT)).isEqualTo(new Compensate(0, 1, false));
            assertThat(engine.decide(saga, log().ran("reserve-space", "stage-copy").records(), PAST_TIMEOUT))
                    .isEqualTo(new Compensate(1, 1, false));
        }

        @Test
        void runs_until_just_before_the_timeout() {
            assertThat(engine.decide(saga, log().ran("reserve-space").records(), PAST_TIMEOUT.minusNanos(1)))
                    .isEqualTo(new RunStep(1, 1, false));
        }

        @Test
        void compensates_a_compensable_step_left_unfinished_or_failing_at_the_timeout() {
            assertThat(engine.decide(saga, log().ran("reserve-space").started("stage-copy").records(), PAST_TIMEOUT))
                    .isEqualTo(new Compensate(1, 1, false));
            assertThat(engine.decide(saga, log().ran("reserve-space").started("stage-copy").failedTransiently("stage-copy").records(),
                    PAST_TIMEOUT)).isEqualTo(new Compensate(1, 1, false));
        }

        @Test
        void sees_through_a_pivot_that_was_started() {
            assertThat(engine.decide(saga, log().ran("reserve-space", "stage-copy").started("delete-source").records(), PAST_TIMEOUT))
                    .isEqualTo(new RunStep(2, 2, true));
            SagaLogBuilder failing = log().ran("reserve-space", "stage-copy").started("delete-source").failedTransiently("delete-source");
            assertThat(engine.decide(saga, failing.records(), PAST_TIMEOUT)).isEqualTo(new RunStep(2, 2, false));
        }

        @Test
        void goes_forward_past_the_pivot() {
            assertThat(engine.decide(saga, log().ran("reserve-space", "stage-copy", "delete-source").records(), PAST_TIMEOUT))
                    .isEqualTo(new RunStep(3, 1, false));
        }

        @Test
        void without_a_pivot_goes_forward_once_the_last_compensable_step_succeeded() {
            SagaDefinition<Map<String, String>> noPivot = TestSagas.withoutPivot();

            assertThat(engine.decide(noPivot, SagaLogBuilder.of(noPivot).ran("reserve-space").records(), PAST_TIMEOUT))
                    .isEqualTo(new Compensate(0, 1, false));
            assertThat(engine.decide(noPivot, SagaLogBuilder.of(noPivot).ran("reserve-space", "store").records(), PAST_TIMEOUT))
                    .isEqualTo(new RunStep(2, 1, false));
        }
    }

    @Nested
    class Refusals {

        @ParameterizedTest
        @ValueSource(strings = {"SAGA_COMPLETED", "SAGA_COMPENSATED", "SAGA_PARKED"})
        void refuses_to_decide_for_an_ended_saga(String end) {
            SagaLogBuilder log = log().ended(SagaRecord.Kind.valueOf(end));

            assertThatThrownBy(() -> decide(log)).isInstanceOf(IllegalStateException.class).hasMessageContaining("ended");
        }

        @Test
        void refuses_a_log_of_another_saga_type() {
            List<SagaRecord> other = SagaLogBuilder.of(TestSagas.allCompensable()).records();

            assertThatThrownBy(() -> engine.decide(saga, other, SagaLogBuilder.START))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'add-file'");
        }

        @Test
        void refuses_a_log_of_another_version_of_the_saga_type() {
            SagaDefinition.Builder<Map<String, String>> steps = SagaDefinition.named("move-file")
                    .step("reserve-space").invoke(TestSagas.note("a", "b")).withCompensation(TestSagas.note("a", "c"));
            List<SagaRecord> firstVersion = SagaLogBuilder.of(steps.build()).ran("reserve-space").records();

            assertThatThrownBy(() -> engine.decide(steps.version(2).build(), firstVersion, SagaLogBuilder.START))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("of version 1, not a 'move-file' one of version 2");
        }

        @Test
        void refuses_a_log_without_its_start() {
            List<SagaRecord> headless = log().ran("reserve-space").records().subList(1, 3);

            assertThatThrownBy(() -> engine.decide(saga, headless, SagaLogBuilder.START)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> engine.decide(saga, List.of(), SagaLogBuilder.START)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void refuses_a_log_with_more_steps_than_the_definition() {
            SagaDefinition<Map<String, String>> shorter = SagaDefinition.named("move-file")
                    .step("reserve-space").invoke(TestSagas.note("a", "b")).withCompensation(TestSagas.note("a", "c")).build();
            List<SagaRecord> longer = log().ran("reserve-space", "stage-copy").records();

            assertThatThrownBy(() -> engine.decide(shorter, longer, SagaLogBuilder.START))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only 1 steps");
        }
    }
}
