package io.artstore.ingester.server.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransferFixture;
import io.artstore.ingester.core.transfer.TransferFixture.SeededFile;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.TransferStatus;
import io.artstore.ingester.core.transfer.Verdict;
import io.artstore.ingester.server.config.TransferSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TransferRunnerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final TransferSettings QUICK_SWEEPS = new TransferSettings(Duration.ofMillis(100), 2);

    private final TransferFixture fixture = new TransferFixture();
    private final Logger runnerLog = (Logger) LoggerFactory.getLogger(TransferRunner.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private TransferRunner runner;

    @AfterEach
    void close() {
        if (runner != null) {
            runner.close();
        }
        runnerLog.detachAppender(logged);
    }

    @Test
    void submit_answers_while_the_copy_is_still_running() throws InterruptedException {
        SeededFile file = fixture.seed("slow.pdf");
        CountDownLatch staging = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        holdStaging(staging, release);
        runner = new TransferRunner(fixture.coordinator(), fixture.log, fixture.locks, TransferSettings.defaults());

        TransferStatus started = runner.submit(file.fileId(), Optional.empty(), VectorClock.parse("client-1:1"));

        assertThat(staging.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(started.state()).isEqualTo(TransferState.PREPARING);
        assertThat(runner.status(started.transactionId()).state()).isEqualTo(TransferState.PREPARING);
        assertThat(runner.counts().inFlight()).isEqualTo(1);
        release.countDown();
        await("the transfer committed", () -> runner.status(started.transactionId()).state() == TransferState.COMMITTED);
        awaitCounts(new TransferCounts(0, 1, 0, 0));
        fixture.assertConsistent(file);
    }

    @Test
    void a_transfer_the_saturated_pool_rejects_is_aborted_and_releases_its_lock() throws InterruptedException {
        SeededFile running = fixture.seed("running.pdf");
        SeededFile rejected = fixture.seed("rejected.pdf");
        CountDownLatch staging = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        holdStaging(staging, release);
        // One thread and no queue: while the first transfer copies, the pool refuses any other.
        ThreadPoolExecutor oneAtATime = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>());
        runner = new TransferRunner(fixture.coordinator(), fixture.log, fixture.locks, TransferSettings.defaults(), oneAtATime,
                Duration.ofSeconds(10));
        TransactionId first = runner.submit(running.fileId(), Optional.empty(), VectorClock.empty()).transactionId();
        assertThat(staging.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> runner.submit(rejected.fileId(), Optional.empty(), VectorClock.empty()))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(IngestException.Kind.UNAVAILABLE);
                    assertThat(e.code()).isEqualTo("transfer_rejected");
                });

        TransactionId refused = fixture.log.findByFile(rejected.fileId()).get(0);
        TransferStatus ended = runner.status(refused);
        assertThat(ended.state()).as(ended.toString()).isEqualTo(TransferState.ABORTED);
        assertThat(ended.error()).hasValueSatisfying(error -> assertThat(error).contains("refused"));
        assertThat(fixture.locks.isLocked(rejected.fileId())).as("its lock is released").isFalse();
        assertThat(fixture.log.unfinished()).containsExactly(first);
        release.countDown();
        await("the running transfer committed", () -> runner.status(first).state() == TransferState.COMMITTED);
        awaitCounts(new TransferCounts(0, 1, 1, 0));
        assertThat(fixture.assertConsistent(rejected)).as("the rejected file stayed on edit").isSameAs(fixture.edit);
        fixture.assertConsistent(running);
        assertThat(fixture.locks.held()).isEmpty();
    }

    @Test
    void a_transfer_still_queued_when_the_runner_closes_is_aborted_and_releases_its_lock() throws InterruptedException {
        SeededFile running = fixture.seed("running.pdf");
        SeededFile queued = fixture.seed("queued.pdf");
        CountDownLatch staging = new CountDownLatch(1);
        holdStaging(staging, new CountDownLatch(1));
        TransferCoordinator coordinator = fixture.coordinator();
        runner = new TransferRunner(coordinator, fixture.log, fixture.locks, TransferSettings.defaults(),
                Executors.newSingleThreadExecutor(), Duration.ofMillis(200));
        TransactionId first = runner.submit(running.fileId(), Optional.empty(), VectorClock.empty()).transactionId();
        assertThat(staging.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        TransactionId waiting = runner.submit(queued.fileId(), Optional.empty(), VectorClock.empty()).transactionId();

        runner.close();

        TransferStatus ended = coordinator.status(waiting);
        assertThat(ended.state()).as(ended.toString()).isEqualTo(TransferState.ABORTED);
        assertThat(ended.error()).hasValueSatisfying(error -> assertThat(error).contains("stopped"));
        assertThat(fixture.locks.isLocked(queued.fileId())).as("its lock is released").isFalse();
        assertThat(fixture.log.unfinished()).doesNotContain(waiting);
        assertThat(first).isNotEqualTo(waiting);
    }

    @Test
    void the_periodic_sweep_finishes_a_transfer_whose_phase_two_failed() {
        SeededFile file = fixture.seed("retried.pdf");
        AtomicBoolean failOnce = new AtomicBoolean(true);
        fixture.edit.beforeDelete(() -> {
            if (failOnce.getAndSet(false)) {
                throw new IllegalStateException("the edit element is briefly unreachable");
            }
        });
        runner = new TransferRunner(fixture.coordinator(), fixture.log, fixture.locks, QUICK_SWEEPS);
        runner.startSweeping();

        TransactionId id = runner.submit(file.fileId(), Optional.empty(), VectorClock.empty()).transactionId();

        await("the sweep committed the transfer", () -> runner.status(id).state() == TransferState.COMMITTED);
        assertThat(failOnce.get()).as("phase two did fail once").isFalse();
        awaitCounts(new TransferCounts(0, 1, 0, 0));
        fixture.assertConsistent(file);
    }

    @Test
    void a_heuristic_end_is_counted_and_logged_as_an_error() {
        logged.start();
        runnerLog.addAppender(logged);
        SeededFile file = fixture.seed("vanishing.pdf");
        TransactionLog losingStagedCopy = new LosingStagedCopyAfterDecision(fixture);
        TransferCoordinator coordinator = new TransferCoordinator(new FileLocator(fixture.catalog, fixture.elements),
                fixture.elements, new StorageElementSelector(fixture.elements, new FakeCapacityReservations(),
                        StorageElementSelector.DEFAULT_GROWTH_STEP),
                fixture.catalog, fixture.events, losingStagedCopy, fixture.locks, fixture.clock);
        runner = new TransferRunner(coordinator, losingStagedCopy, fixture.locks, TransferSettings.defaults());

        TransactionId id = runner.submit(file.fileId(), Optional.empty(), VectorClock.empty()).transactionId();

        await("the transfer ended", () -> runner.status(id).state().finished());
        TransferStatus status = runner.status(id);
        assertThat(status.state()).isEqualTo(TransferState.HEURISTIC);
        assertThat(status.error()).hasValueSatisfying(error -> assertThat(error).contains("operator"));
        awaitCounts(new TransferCounts(0, 0, 0, 1));
        // The runner logs the error right after counting: wait for it rather than read the list at once.
        await("the heuristic end is logged", () -> List.copyOf(logged.list).stream().anyMatch(event ->
                event.getLevel() == Level.ERROR && event.getFormattedMessage().contains("HEURISTIC")));
        assertThat(List.copyOf(logged.list)).anySatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage()).contains("HEURISTIC").contains(id.toString()).contains(file.fileId().toString());
        });
        assertThat(fixture.edit.holds(file.fileId())).as("the source copy was kept").isTrue();
        assertThat(fixture.locks.isLocked(file.fileId())).isFalse();
    }

    @Test
    void start_up_recovery_aborts_what_a_crash_left_undecided_and_leaves_delete_locks_to_their_sagas() {
        SeededFile transferred = fixture.seed("undecided.pdf");
        SeededFile deleted = fixture.seed("half-deleted.pdf");
        TransactionId undecided = fixture.coordinator().start(transferred.fileId(), Optional.empty());
        fixture.locks.tryLock(deleted.fileId(), Locks.Operation.DELETE, "delete-" + FileId.random()).orElseThrow();
        runner = new TransferRunner(fixture.coordinator(), fixture.log, fixture.locks, TransferSettings.defaults());

        runner.recoverAtStartup();

        assertThat(runner.status(undecided).state()).isEqualTo(TransferState.ABORTED);
        assertThat(runner.counts()).isEqualTo(new TransferCounts(0, 0, 1, 0));
        assertThat(fixture.locks.held()).singleElement()
                .satisfies(lock -> assertThat(lock.fileId()).isEqualTo(deleted.fileId()));
        fixture.assertConsistent(transferred);
    }

    /** Loses the staged copy right after a commit decision, as a failing disk might. */
    private static final class LosingStagedCopyAfterDecision implements TransactionLog {
        private final TransferFixture fixture;

        LosingStagedCopyAfterDecision(TransferFixture fixture) {
            this.fixture = fixture;
        }

        @Override
        public void append(TransactionRecord record) {
            fixture.log.append(record);
            if (record instanceof TransactionRecord.Decided decided && decided.verdict() == Verdict.COMMIT) {
                TransactionRecord.Begun begun = (TransactionRecord.Begun) fixture.log.load(record.transactionId()).get(0);
                fixture.rw.loseStaged(begun.fileId());
            }
        }

        @Override
        public List<TransactionRecord> load(TransactionId id) {
            return fixture.log.load(id);
        }

        @Override
        public List<TransactionId> unfinished() {
            return fixture.log.unfinished();
        }

        @Override
        public List<TransactionId> findByFile(FileId fileId) {
            return fixture.log.findByFile(fileId);
        }
    }

    /** The runner counts an outcome after the coordinator logged it, so a status can be ahead of the counts. */
    private void awaitCounts(TransferCounts expected) {
        try {
            await("the counts are " + expected, () -> runner.counts().equals(expected));
        } catch (AssertionError timedOut) {
            assertThat(runner.counts()).as("counts after the deadline").isEqualTo(expected);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    /** Holds each copy at its start until {@code release} opens; {@code staging} opens once a copy is held there. */
    private void holdStaging(CountDownLatch staging, CountDownLatch release) {
        fixture.rw.beforeStage(() -> {
            staging.countDown();
            awaitQuietly(release);
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
