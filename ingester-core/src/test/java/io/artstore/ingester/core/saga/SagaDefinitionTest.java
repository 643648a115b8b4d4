package io.artstore.ingester.core.saga;

import static io.artstore.ingester.core.saga.TestSagas.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SagaDefinitionTest {

    private static final SagaStep<Map<String, String>> NOTHING = (data, attempt) -> data;

    @Test
    void keeps_the_steps_in_the_order_the_process_takes_them() {
        SagaDefinition<Map<String, String>> saga = TestSagas.withPivot();

        assertThat(saga.name()).isEqualTo("move-file");
        assertThat(saga.steps()).extracting(StepDefinition::name)
                .containsExactly("reserve-space", "stage-copy", "delete-source", "update-catalogue", "publish-event");
        assertThat(saga.steps()).extracting(StepDefinition::kind).containsExactly(StepKind.COMPENSABLE, StepKind.COMPENSABLE,
                StepKind.PIVOT, StepKind.RETRIABLE, StepKind.RETRIABLE);
        assertThat(saga.steps()).extracting(step -> step.compensation().isPresent()).containsExactly(true, true, false, false, false);
        assertThat(saga.indexOf("delete-source")).isEqualTo(2);
        assertThat(saga.timeout()).isEqualTo(TestSagas.TIMEOUT);
        assertThat(saga.retryPolicy()).isEqualTo(TestSagas.RETRIES);
    }

    @Test
    void passes_its_point_of_no_return_at_the_pivot_or_else_after_the_last_compensable_step() {
        assertThat(TestSagas.withPivot().lastUndoableStep()).isEqualTo(2);
        assertThat(TestSagas.withoutPivot().lastUndoableStep()).isEqualTo(1);
        assertThat(TestSagas.allCompensable().lastUndoableStep()).isEqualTo(3);
        assertThat(SagaDefinition.named("tell").step("publish").invoke(NOTHING).retriable().build().lastUndoableStep()).isEqualTo(-1);
    }

    @Test
    void uses_sensible_defaults() {
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("one").step("only").invoke(NOTHING).pivot().build();

        assertThat(saga.timeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(saga.retryPolicy()).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(saga.format().read(Map.of("a", "b"))).isEqualTo(Map.of("a", "b"));
    }

    @Test
    void refuses_steps_out_of_order() {
        assertRefused(SagaDefinition.named("x").step("a").invoke(NOTHING).pivot().step("b").invoke(NOTHING).withCompensation(NOTHING),
                "'b' is COMPENSABLE but follows a PIVOT step");
        assertRefused(SagaDefinition.named("x").step("a").invoke(NOTHING).pivot().step("b").invoke(NOTHING).pivot(),
                "'b' is PIVOT but follows a PIVOT step");
        assertRefused(SagaDefinition.named("x").step("a").invoke(NOTHING).retriable().step("b").invoke(NOTHING).pivot(),
                "'b' is PIVOT but follows a RETRIABLE step");
        assertRefused(SagaDefinition.named("x").step("a").invoke(NOTHING).retriable().step("b").invoke(NOTHING).withoutCompensation(),
                "'b' is COMPENSABLE but follows a RETRIABLE step");
    }

    @Test
    void refuses_a_saga_without_steps_or_with_two_steps_of_one_name() {
        assertRefused(SagaDefinition.named("x"), "has no steps");
        assertRefused(SagaDefinition.named("x").step("a").invoke(NOTHING).withoutCompensation().step("a").invoke(NOTHING).pivot(),
                "two steps named 'a'");
        assertThatThrownBy(() -> SagaDefinition.named(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SagaDefinition.named("x").step("").invoke(NOTHING).pivot()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SagaDefinition.named("x").timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void names_the_steps_it_has_when_asked_for_one_it_has_not() {
        assertThatThrownBy(() -> TestSagas.withPivot().indexOf("store"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[reserve-space, stage-copy");
    }

    @Test
    void runs_actions_and_compensations_through_an_interceptor() throws Exception {
        List<String> calls = new ArrayList<>();
        SagaDefinition<Map<String, String>> traced = TestSagas.withPivot().intercepted((data, attempt, proceed) -> {
            calls.add((attempt.compensating() ? "undo " : "do ") + attempt.step());
            return proceed.run(data, attempt);
        });
        SagaId saga = SagaId.random();

        Map<String, String> after = traced.step(0).action().run(Map.of(), new StepAttempt(saga, "reserve-space", false, 1, false));
        traced.step(0).compensation().orElseThrow().run(after, new StepAttempt(saga, "reserve-space", true, 1, false));

        assertThat(calls).containsExactly("do reserve-space", "undo reserve-space");
        assertThat(after).containsEntry("reservation", "r-1");
        assertThat(traced.steps()).extracting(StepDefinition::kind).isEqualTo(TestSagas.withPivot().steps().stream().map(StepDefinition::kind).toList());
    }

    @Test
    void gives_steps_after_the_pivot_no_compensation() {
        assertThatThrownBy(() -> new StepDefinition<>("a", StepKind.RETRIABLE, NOTHING, Optional.of(note("a", "b"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void never_lets_the_pivot_start_without_a_forced_record() {
        assertThatThrownBy(() -> new StepDefinition<>("a", StepKind.PIVOT, NOTHING, Optional.empty(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a retriable step");
        assertThat(new StepDefinition<>("a", StepKind.RETRIABLE, NOTHING, Optional.empty(), true).startDurableWithNext()).isTrue();
        assertThat(new StepDefinition<>("a", StepKind.RETRIABLE, NOTHING, Optional.empty()).startDurableWithNext())
                .as("a retriable step's start is forced unless it says otherwise").isFalse();
    }

    @Test
    void lets_a_compensable_step_without_effect_start_with_the_next_record() {
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("no-effect")
                .step("check").invoke(NOTHING).withCompensation(NOTHING)
                .step("register").invoke(NOTHING).withCompensationOfNoEffect(NOTHING)
                .step("publish").invoke(NOTHING).pivot()
                .build();
        assertThat(saga.steps()).extracting(StepDefinition::startDurableWithNext).containsExactly(false, true, false);
        assertThat(saga.steps().get(1).compensation()).as("it is still undone when the saga turns back").isPresent();
    }

    @Test
    void keeps_which_starts_wait_for_the_next_record_when_intercepted() {
        SagaDefinition<Map<String, String>> saga = SagaDefinition.named("deferring")
                .step("publish").invoke(NOTHING).pivot()
                .step("record").invoke(NOTHING).retriableIdempotent()
                .build();
        assertThat(saga.intercepted((data, attempt, step) -> step.run(data, attempt)).steps())
                .extracting(StepDefinition::startDurableWithNext).containsExactly(false, true);
    }

    private static void assertRefused(SagaDefinition.Builder<Map<String, String>> builder, String message) {
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
