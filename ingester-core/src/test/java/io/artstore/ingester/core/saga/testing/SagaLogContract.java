package io.artstore.ingester.core.saga.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaRecord.Kind;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SagaLog} must do. Subclasses say how to open the log as seen by one instance; the logs
 * of different instances opened in one test share what they hold, as instances sharing a log do.
 */
public abstract class SagaLogContract {

    protected static final Instant T0 = SagaRecords.T0;
    protected static final Duration LEASE = SagaRecords.LEASE;

    /** The log as instance {@code instanceId} sees it; the same object for the same id within a test. */
    protected abstract SagaLog instance(String instanceId);

    /** Starts a saga owned by {@code owner} and appends the given further kinds. */
    protected static List<SagaRecord> write(SagaLog log, SagaId saga, String owner, Kind... kinds) {
        List<SagaRecord> written = new ArrayList<>();
        written.add(SagaRecords.record(saga, 0, Kind.SAGA_STARTED, owner, T0));
        for (Kind kind : kinds) {
            written.add(SagaRecords.record(saga, written.size(), kind, owner, T0.plusSeconds(written.size())));
        }
        written.forEach(log::append);
        return written;
    }

    @Test
    void loads_what_was_appended_in_order() {
        SagaLog log = instance("instance-a");
        SagaId saga = SagaId.random();
        List<SagaRecord> written = write(log, saga, "instance-a", Kind.STEP_STARTED, Kind.STEP_FAILED, Kind.STEP_STARTED);

        assertThat(log.load(saga)).containsExactlyElementsOf(written);
    }

    @Test
    void knows_nothing_of_an_unknown_saga() {
        SagaLog log = instance("instance-a");

        assertThat(log.load(SagaId.random())).isEmpty();
        assertThat(log.tryClaim(SagaId.random(), "instance-a", T0, T0.plus(LEASE))).isFalse();
        assertThat(log.unfinished()).isEmpty();
    }

    @Test
    void refuses_a_saga_that_does_not_start_with_its_start() {
        SagaLog log = instance("instance-a");

        assertConflict(() -> log.append(SagaRecords.record(SagaId.random(), 0, Kind.STEP_STARTED, "instance-a", T0)));
        assertConflict(() -> log.append(SagaRecords.record(SagaId.random(), 1, Kind.SAGA_STARTED, "instance-a", T0)));
    }

    @Test
    void refuses_a_second_start_under_the_same_id() {
        SagaLog log = instance("instance-a");
        SagaId saga = SagaId.random();
        write(log, saga, "instance-a");

        assertConflict(() -> log.append(SagaRecords.record(saga, 0, Kind.SAGA_STARTED, "instance-a", T0)));
        assertThat(log.load(saga)).hasSize(1);
    }

    @Test
    void refuses_a_sequence_that_is_not_the_next() {
        SagaLog log = instance("instance-a");
        SagaId saga = SagaId.random();
        write(log, saga, "instance-a", Kind.STEP_STARTED);

        assertConflict(() -> log.append(SagaRecords.record(saga, 1, Kind.STEP_SUCCEEDED, "instance-a", T0)));
        assertConflict(() -> log.append(SagaRecords.record(saga, 3, Kind.STEP_SUCCEEDED, "instance-a", T0)));
        assertThat(log.load(saga)).hasSize(2);
    }

    @Test
    void refuses_records_after_the_end() {
        SagaLog log = instance("instance-a");
        SagaId saga = SagaId.random();
        write(log, saga, "instance-a", Kind.SAGA_COMPLETED);

        assertConflict(() -> log.append(SagaRecords.record(saga, 2, Kind.LEASE_CLAIMED, "instance-a", T0)));
    }

    @Test
    void lets_only_the_owner_append() {
        SagaLog log = instance("instance-a");
        SagaId saga = SagaId.random();
        write(log, saga, "instance-a");

        assertConflict(() -> log.append(SagaRecords.record(saga, 1, Kind.STEP_STARTED, "instance-b", T0)));
    }

    @Test
    void lets_any_instance_resume_a_parked_saga_and_only_that_one_go_on() {
        SagaLog a = instance("instance-a");
        SagaLog b = instance("instance-b");
        SagaId saga = SagaId.random();
        write(a, saga, "instance-a", Kind.COMPENSATION_FAILED, Kind.SAGA_PARKED);

        assertConflict(() -> b.append(SagaRecords.record(saga, 3, Kind.COMPENSATION_STARTED, "instance-b", T0)));
        b.append(SagaRecords.record(saga, 3, Kind.SAGA_RESUMED, "instance-b", T0.plusSeconds(3)));

        assertThat(b.unfinished()).extracting(SagaSummary::sagaId).contains(saga);
        assertThat(b.list(SagaState.COMPENSATING)).extracting(SagaSummary::sagaId).contains(saga);
        assertConflict(() -> a.append(SagaRecords.record(saga, 4, Kind.COMPENSATION_STARTED, "instance-a", T0)));
        b.append(SagaRecords.record(saga, 4, Kind.COMPENSATION_STARTED, "instance-b", T0.plusSeconds(4)));
        assertThat(a.load(saga)).hasSize(5);
    }

    @Test
    void lists_unfinished_sagas_and_sagas_by_state() {
        SagaLog log = instance("instance-a");
        SagaId running = SagaId.random();
        SagaId compensating = SagaId.random();
        SagaId completed = SagaId.random();
        SagaId parked = SagaId.random();
        write(log, running, "instance-a", Kind.STEP_STARTED);
        write(log, compensating, "instance-a", Kind.STEP_FAILED, Kind.COMPENSATION_STARTED);
        write(log, completed, "instance-a", Kind.SAGA_COMPLETED);
        write(log, parked, "instance-a", Kind.COMPENSATION_FAILED, Kind.SAGA_PARKED);

        assertThat(log.unfinished()).extracting(SagaSummary::sagaId).containsExactlyInAnyOrder(running, compensating);
        assertThat(log.list(SagaState.RUNNING)).extracting(SagaSummary::sagaId).containsExactly(running);
        assertThat(log.list(SagaState.COMPENSATING)).extracting(SagaSummary::sagaId).containsExactly(compensating);
        assertThat(log.list(SagaState.COMPLETED)).extracting(SagaSummary::sagaId).containsExactly(completed);
        assertThat(log.list(SagaState.FAILED_COMPENSATION)).singleElement().satisfies(summary -> {
            assertThat(summary.sagaId()).isEqualTo(parked);
            assertThat(summary.latest().kind()).isEqualTo(Kind.SAGA_PARKED);
            assertThat(summary.startedAt()).isEqualTo(T0);
        });
        assertThat(log.list(SagaState.COMPENSATED)).isEmpty();
    }

    @Test
    void shows_one_instances_records_to_another() {
        SagaId saga = SagaId.random();
        List<SagaRecord> written = write(instance("instance-a"), saga, "instance-a", Kind.STEP_STARTED);

        assertThat(instance("instance-b").load(saga)).containsExactlyElementsOf(written);
        assertThat(instance("instance-b").unfinished()).extracting(SagaSummary::sagaId).contains(saga);
    }

    @Test
    void lets_another_instance_take_over_only_once_the_lease_has_expired() {
        SagaLog a = instance("instance-a");
        SagaLog b = instance("instance-b");
        SagaId saga = SagaId.random();
        SagaRecord latest = write(a, saga, "instance-a", Kind.STEP_STARTED).get(1);

        assertThat(b.tryClaim(saga, "instance-b", latest.leaseUntil().minusMillis(1), T0.plus(Duration.ofHours(1)))).isFalse();
        assertThat(b.tryClaim(saga, "instance-b", latest.leaseUntil(), latest.leaseUntil().plus(LEASE))).isTrue();

        assertThat(b.load(saga)).hasSize(3).last().satisfies(claim -> {
            assertThat(claim.kind()).isEqualTo(Kind.LEASE_CLAIMED);
            assertThat(claim.owner()).isEqualTo("instance-b");
            assertThat(claim.sequence()).isEqualTo(2);
            assertThat(claim.leaseUntil()).isEqualTo(latest.leaseUntil().plus(LEASE));
            assertThat(claim.data()).isEqualTo(latest.data());
        });
        assertConflict(() -> a.append(SagaRecords.record(saga, 3, Kind.STEP_SUCCEEDED, "instance-a", T0)));
        b.append(SagaRecords.record(saga, 3, Kind.STEP_SUCCEEDED, "instance-b", T0));
        assertThat(a.load(saga)).hasSize(4);
    }

    @Test
    void keeps_the_definition_version_a_saga_started_with_across_instances_and_a_take_over() {
        SagaLog a = instance("instance-a");
        SagaLog b = instance("instance-b");
        SagaId saga = SagaId.random();
        a.append(ofVersion(2, SagaRecords.record(saga, 0, Kind.SAGA_STARTED, "instance-a", T0)));
        SagaRecord latest = ofVersion(2, SagaRecords.record(saga, 1, Kind.STEP_STARTED, "instance-a", T0));
        a.append(latest);

        assertThat(b.load(saga)).extracting(SagaRecord::definitionVersion).containsExactly(2, 2);
        assertThat(b.tryClaim(saga, "instance-b", latest.leaseUntil(), latest.leaseUntil().plus(LEASE))).isTrue();
        assertThat(b.load(saga)).last().extracting(SagaRecord::definitionVersion).isEqualTo(2);
        assertConflict(() -> b.append(SagaRecords.record(saga, 3, Kind.STEP_SUCCEEDED, "instance-b", T0)));
        b.append(ofVersion(2, SagaRecords.record(saga, 3, Kind.STEP_SUCCEEDED, "instance-b", T0)));
        assertThat(a.load(saga)).extracting(SagaRecord::definitionVersion).containsExactly(2, 2, 2, 2);
    }

    private static SagaRecord ofVersion(int version, SagaRecord record) {
        return new SagaRecord(record.sagaId(), record.sagaType(), version, record.sequence(), record.kind(), record.step(),
                record.attempt(), record.at(), record.owner(), record.leaseUntil(), record.data(), record.failure(), record.clock());
    }

    @Test
    void lets_the_owner_renew_its_lease_but_nobody_claim_an_ended_saga() {
        SagaLog a = instance("instance-a");
        SagaId saga = SagaId.random();
        SagaId ended = SagaId.random();
        write(a, saga, "instance-a");
        write(a, ended, "instance-a", Kind.SAGA_COMPENSATED);

        assertThat(a.tryClaim(saga, "instance-a", T0, T0.plus(Duration.ofHours(1)))).isTrue();
        assertThat(a.tryClaim(ended, "instance-a", T0, T0.plus(LEASE))).isFalse();
        assertThat(instance("instance-b").tryClaim(ended, "instance-b", T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(2)))).isFalse();
        assertThat(a.load(ended)).hasSize(2);
    }

    @Test
    void lets_exactly_one_of_many_racing_instances_take_a_saga_over() throws Exception {
        SagaId saga = SagaId.random();
        write(instance("instance-0"), saga, "instance-0");
        int racers = 6;
        List<SagaLog> logs = new ArrayList<>();
        for (int i = 1; i <= racers; i++) {
            logs.add(instance("instance-" + i));
        }
        Instant later = T0.plus(Duration.ofHours(1));
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Callable<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                SagaLog log = logs.get(i);
                String owner = "instance-" + (i + 1);
                claims.add(() -> log.tryClaim(saga, owner, later, later.plus(LEASE)));
            }
            int won = 0;
            for (Future<Boolean> claim : pool.invokeAll(claims)) {
                won += claim.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(logs.get(0).load(saga)).hasSize(2);
    }

    protected static void assertConflict(Runnable append) {
        assertThatThrownBy(append::run).isInstanceOfSatisfying(IngestException.class, conflict -> {
            assertThat(conflict.kind()).isEqualTo(IngestException.Kind.CONFLICT);
            assertThat(conflict.code()).isEqualTo("saga_log_conflict");
        });
    }
}
