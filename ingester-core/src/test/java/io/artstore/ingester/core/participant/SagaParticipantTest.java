package io.artstore.ingester.core.participant;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.InMemoryClockSync;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.in.Outcome;
import io.artstore.ingester.core.port.in.ParticipantCommand;
import io.artstore.ingester.core.port.in.ParticipantReply;
import io.artstore.ingester.core.port.in.SagaCommandUseCase;
import io.artstore.ingester.core.port.out.IdempotencyStore;
import io.artstore.ingester.core.service.LocalClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SagaParticipantTest {

    private static final NodeId SELF = NodeId.of("ingester-test");

    private final IdempotencyStore store = new InMemoryIdempotencyStore();
    private final CountingOperation operation = new CountingOperation();
    private final SagaParticipant participant = participant(Duration.ofSeconds(30));

    private SagaParticipant participant(Duration lease) {
        return new SagaParticipant(store, List.of(operation), new LocalClock(SELF, new InMemoryClockSync(),
                ClockPruning.DEFAULT), "instance-a", lease, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        participant.close();
    }

    private static ParticipantCommand command(String action) {
        return ParticipantCommand.parse("{\"saga_id\":\"order-7\",\"step\":2,\"action\":\"" + action + "\","
                + "\"operation\":\"count\",\"payload\":{\"n\":1},\"vector_clock\":{\"admin-module\":5}}");
    }

    @Test
    void a_command_sent_twice_executes_once_and_gets_the_first_reply_again() {
        SagaCommandUseCase.Handled first = participant.handle(command("execute"));
        SagaCommandUseCase.Handled second = participant.handle(command("execute"));

        assertThat(operation.executed.get()).isEqualTo(1);
        assertThat(first.reply().outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(first.duplicate()).isFalse();
        assertThat(second.duplicate()).isTrue();
        assertThat(second.reply()).isEqualTo(first.reply());
        assertThat(second.reply().toJson()).isEqualTo(first.reply().toJson());
    }

    @Test
    void the_reply_carries_the_coordinators_clock_merged_with_ours() {
        ParticipantReply reply = participant.handle(command("execute")).reply();
        assertThat(reply.clock().get(NodeId.of("admin-module"))).isEqualTo(5);
        assertThat(reply.clock().get(SELF)).isPositive();
        assertThat(reply.toJson()).contains("\"step\":2").contains("\"vector_clock\":{\"admin-module\":5,");
    }

    @Test
    void a_compensate_before_its_execute_does_nothing_and_the_late_execute_does_nothing_either() {
        ParticipantReply compensated = participant.handle(command("compensate")).reply();
        ParticipantReply late = participant.handle(command("execute")).reply();
        ParticipantReply lateAgain = participant.handle(command("execute")).reply();

        assertThat(compensated.outcome()).isEqualTo(Outcome.COMPENSATED);
        assertThat(compensated.result()).containsEntry("empty_compensation", true);
        assertThat(late.outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(late.error()).map(ParticipantReply.Error::code).contains("compensated_before_execute");
        assertThat(lateAgain).isEqualTo(late);
        assertThat(operation.executed.get()).isZero();
        assertThat(operation.compensated.get()).isZero();
    }

    @Test
    void a_compensate_after_a_successful_execute_undoes_it_once() {
        participant.handle(command("execute"));
        ParticipantReply first = participant.handle(command("compensate")).reply();
        ParticipantReply again = participant.handle(command("compensate")).reply();

        assertThat(first.outcome()).isEqualTo(Outcome.COMPENSATED);
        assertThat(again).isEqualTo(first);
        assertThat(operation.compensated.get()).isEqualTo(1);
    }

    @Test
    void a_compensate_of_a_failed_execute_has_nothing_to_undo() {
        operation.failNext = true;
        assertThat(participant.handle(command("execute")).reply().outcome()).isEqualTo(Outcome.FAILED);
        ParticipantReply compensated = participant.handle(command("compensate")).reply();

        assertThat(compensated.outcome()).isEqualTo(Outcome.COMPENSATED);
        assertThat(compensated.result()).containsEntry("nothing_to_undo", true);
        assertThat(operation.compensated.get()).isZero();
    }

    @Test
    void a_compensate_while_its_execute_runs_waits_and_bars_nothing() throws Exception {
        operation.block = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<SagaCommandUseCase.Handled> execute = thread.submit(() -> participant.handle(command("execute")));
            assertThat(operation.entered.await(10, TimeUnit.SECONDS)).isTrue();

            ParticipantReply early = participant.handle(command("compensate")).reply();
            ParticipantReply duplicateExecute = participant.handle(command("execute")).reply();
            assertThat(early.outcome()).isEqualTo(Outcome.IN_PROGRESS);
            assertThat(early.error()).map(ParticipantReply.Error::code).contains("execute_in_progress");
            assertThat(duplicateExecute.outcome()).isEqualTo(Outcome.IN_PROGRESS);

            operation.block.countDown();
            assertThat(execute.get(10, TimeUnit.SECONDS).reply().outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(participant.handle(command("compensate")).reply().outcome()).isEqualTo(Outcome.COMPENSATED);
            assertThat(operation.executed.get()).isEqualTo(1);
            assertThat(operation.compensated.get()).isEqualTo(1);
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void a_command_whose_attempt_died_is_finished_by_the_next_attempt_after_the_lease() {
        Instant longAgo = Instant.now().minus(Duration.ofMinutes(5));
        // An attempt of another instance that claimed the command and died before its reply.
        store.claim(command("execute").key(), "instance-b/dead", longAgo, Duration.ofSeconds(30));

        SagaCommandUseCase.Handled handled = participant.handle(command("execute"));

        assertThat(handled.reply().outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(operation.executed.get()).isEqualTo(1);
        assertThat(store.complete(command("execute").key(), "instance-b/dead", "{}")).isFalse();
    }

    @Test
    void a_command_held_by_a_live_attempt_is_in_progress() {
        store.claim(command("execute").key(), "instance-b/alive", Instant.now(), Duration.ofMinutes(5));

        ParticipantReply reply = participant.handle(command("execute")).reply();

        assertThat(reply.outcome()).isEqualTo(Outcome.IN_PROGRESS);
        assertThat(reply.error()).map(ParticipantReply.Error::code).contains("command_in_progress");
        assertThat(operation.executed.get()).isZero();
    }

    @Test
    void a_lease_is_renewed_while_a_slow_operation_runs() throws Exception {
        SagaParticipant shortLease = participant(Duration.ofMillis(300));
        operation.block = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<SagaCommandUseCase.Handled> execute = thread.submit(() -> shortLease.handle(command("execute")));
            assertThat(operation.entered.await(10, TimeUnit.SECONDS)).isTrue();
            // Well past the first lease: a renewal must have kept the command.
            Instant pastFirstLease = Instant.now().plusMillis(900);
            while (Instant.now().isBefore(pastFirstLease)) {
                assertThat(participant.handle(command("execute")).reply().outcome()).isEqualTo(Outcome.IN_PROGRESS);
            }
            operation.block.countDown();
            assertThat(execute.get(10, TimeUnit.SECONDS).reply().outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(operation.executed.get()).isEqualTo(1);
        } finally {
            thread.shutdownNow();
            shortLease.close();
        }
    }

    @Test
    void an_unknown_operation_fails_and_records_nothing() {
        ParticipantCommand unknown = ParticipantCommand.parse("{\"saga_id\":\"s\",\"step\":\"a\",\"action\":\"compensate\","
                + "\"operation\":\"format_disk\",\"payload\":{}}");
        ParticipantReply reply = participant.handle(unknown).reply();

        assertThat(reply.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(reply.error()).map(ParticipantReply.Error::code).contains("unknown_operation");
        assertThat(store.claim(unknown.key(), "x", Instant.now(), Duration.ofSeconds(1))).isInstanceOf(IdempotencyStore.Claim.Granted.class);
    }

    @Test
    void an_unavailable_dependency_answers_nothing_and_leaves_the_command_to_a_retry() {
        operation.unavailableNext = true;
        try {
            participant.handle(command("execute"));
            throw new AssertionError("expected the failure to reach the caller");
        } catch (IngestException e) {
            assertThat(e.code()).isEqualTo("storage_unavailable");
        }
        assertThat(participant.handle(command("execute")).reply().outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(operation.executed.get()).isEqualTo(1);
    }

    @Test
    void a_malformed_command_is_refused_with_a_code() {
        for (String bad : List.of("[]", "{\"saga_id\":\"s\",\"step\":1,\"action\":\"undo\",\"operation\":\"count\"}",
                "{\"saga_id\":\"s/x\",\"step\":1,\"action\":\"execute\",\"operation\":\"count\"}",
                "{\"saga_id\":\"s\",\"step\":1,\"action\":\"execute\",\"operation\":\"count\",\"extra\":1}",
                "{\"saga_id\":\"s\",\"step\":-1,\"action\":\"execute\",\"operation\":\"count\"}", "not json")) {
            try {
                ParticipantCommand.parse(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IngestException e) {
                assertThat(e.code()).as(bad).isEqualTo("invalid_saga_command");
            }
        }
        try {
            ParticipantCommand.parse("{\"saga_id\":\"s\",\"step\":1,\"action\":\"execute\",\"operation\":\"count\","
                    + "\"vector_clock\":{\"admin-module\":0}}");
            throw new AssertionError("accepted a zero counter");
        } catch (IngestException e) {
            assertThat(e.code()).isEqualTo("invalid_vector_clock");
        }
        assertThat(ParticipantCommand.parse("{\"saga_id\":\"s\",\"step\":\"x\",\"action\":\"execute\",\"operation\":\"count\","
                + "\"vector_clock\":\"admin-module:3\"}").clock()).isEqualTo(VectorClock.parse("admin-module:3"));
    }

    /** Counts what it is asked to do. */
    private static final class CountingOperation implements ParticipantOperation {
        final AtomicInteger executed = new AtomicInteger();
        final AtomicInteger compensated = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch block;
        volatile boolean failNext;
        volatile boolean unavailableNext;

        @Override
        public String name() {
            return "count";
        }

        @Override
        public Result execute(ParticipantCommand command) {
            entered.countDown();
            if (block != null) {
                try {
                    block.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (unavailableNext) {
                unavailableNext = false;
                throw new IngestException(IngestException.Kind.UNAVAILABLE, "storage_unavailable", "down");
            }
            if (failNext) {
                failNext = false;
                throw IngestException.notFound("file_not_found", "no such file");
            }
            return new Result.Done(Map.of("count", executed.incrementAndGet()));
        }

        @Override
        public Result compensate(ParticipantCommand command, ParticipantReply executed) {
            compensated.incrementAndGet();
            return new Result.Done(Map.of());
        }
    }
}
