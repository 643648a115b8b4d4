package io.artstore.ingester.redis.state;

import static io.artstore.ingester.redis.state.Racers.race;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.Faults;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransferFixture;
import io.artstore.ingester.core.transfer.TransferFixture.SeededFile;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.TransferStatus;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three instances share the transfer log and locks in one Redis. The coordinator of a transfer dies right after
 * logging its commit decision; once its lease has expired the two others race to take the transfer over, and it
 * is committed exactly once.
 */
class RedisTransferTakeOverTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final TransferFixture fixture = new TransferFixture();

    @Test
    void a_transfer_whose_coordinator_died_after_its_decision_is_committed_once_by_one_other_instance() throws Exception {
        SeededFile file = fixture.seed("north-wing.pdf");
        RedisState a = new RedisState(REDIS.client(), RedisState.Settings.standalone("instance-a").withInstanceLease(Duration.ofMillis(500)));
        InstanceLease leaseA = new InstanceLease(a);
        leaseA.renew();
        try (InstanceLease leaseB = new InstanceLease(REDIS.state("instance-b"));
                InstanceLease leaseC = new InstanceLease(REDIS.state("instance-c"))) {
            leaseB.start();
            leaseC.start();
            TransactionLog logA = new RedisTransactionLog(a);
            TransferCoordinator coordinatorA = coordinator(new DyingAfterDecision(logA), new RedisLocks(a));
            assertThatThrownBy(() -> coordinatorA.begin(file.fileId(), Optional.empty())).isInstanceOf(Faults.SimulatedCrash.class);
            TransactionId id = new RedisTransactionLog(REDIS.state("instance-x")).findByFile(file.fileId()).get(0);

            TransferCoordinator coordinatorB = coordinator(REDIS.state("instance-b"));
            TransferCoordinator coordinatorC = coordinator(REDIS.state("instance-c"));
            assertThat(coordinatorB.recover()).as("instance-a's lease still runs").isEmpty();
            assertThat(new RedisLocks(REDIS.state("instance-b")).held()).as("a live instance's lock is not orphaned").isEmpty();
            awaitTrue(() -> !leaseA.held(), Duration.ofSeconds(10));

            List<TransferStatus> recovered = race(coordinatorB::recover, coordinatorC::recover);

            assertThat(recovered).singleElement().satisfies(status -> {
                assertThat(status.transactionId()).isEqualTo(id);
                assertThat(status.state()).isEqualTo(TransferState.COMMITTED);
            });
            assertThat(fixture.transferEvents(file.fileId())).isEqualTo(1);
            assertThat(fixture.rw.holds(file.fileId())).isTrue();
            assertThat(fixture.edit.holds(file.fileId())).isFalse();
            assertThat(fixture.catalog.find(file.fileId()).orElseThrow().mode()).isEqualTo(Mode.RW);
            assertThat(new RedisLocks(REDIS.state("instance-b")).isLocked(file.fileId())).isFalse();
            assertThat(coordinatorB.recover()).isEmpty();
            assertThat(coordinatorC.recover()).isEmpty();
            // instance-a, back from the dead, may not write to the transaction another instance finished.
            assertThatThrownBy(() -> logA.append(new TransactionRecord.Ended(id, TransferState.ABORTED, Optional.empty(), Instant.now())))
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("transaction_taken_over"));
        }
    }

    @Test
    void an_instance_that_stopped_cleanly_hands_its_transfers_over_at_once() {
        SeededFile file = fixture.seed("south-wing.pdf");
        RedisState a = REDIS.state("instance-a");
        InstanceLease leaseA = new InstanceLease(a);
        leaseA.start();
        TransferCoordinator coordinatorA = coordinator(new DyingAfterDecision(new RedisTransactionLog(a)), new RedisLocks(a));
        assertThatThrownBy(() -> coordinatorA.begin(file.fileId(), Optional.empty())).isInstanceOf(Faults.SimulatedCrash.class);
        TransferCoordinator coordinatorB = coordinator(REDIS.state("instance-b"));
        assertThat(coordinatorB.recover()).isEmpty();

        leaseA.close();

        assertThat(coordinatorB.recover()).singleElement()
                .satisfies(status -> assertThat(status.state()).isEqualTo(TransferState.COMMITTED));
        assertThat(fixture.transferEvents(file.fileId())).isEqualTo(1);
    }

    private TransferCoordinator coordinator(RedisState state) {
        return coordinator(new RedisTransactionLog(state), new RedisLocks(state));
    }

    private TransferCoordinator coordinator(TransactionLog log, Locks locks) {
        StorageElementSelector selector = new StorageElementSelector(fixture.elements, new FakeCapacityReservations(),
                StorageElementSelector.DEFAULT_GROWTH_STEP);
        return new TransferCoordinator(new FileLocator(fixture.catalog, fixture.elements), fixture.elements, selector,
                fixture.catalog, fixture.events, log, locks, fixture.clock);
    }


    static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** The coordinator's process dies right after its commit or abort decision is logged. */
    private record DyingAfterDecision(TransactionLog log) implements TransactionLog {
        @Override
        public void append(TransactionRecord record) {
            log.append(record);
            if (record instanceof TransactionRecord.Decided) {
                throw new Faults.SimulatedCrash("after the decision");
            }
        }

        @Override
        public List<TransactionRecord> load(TransactionId id) {
            return log.load(id);
        }

        @Override
        public List<TransactionId> unfinished() {
            return log.unfinished();
        }

        @Override
        public List<TransactionId> findByFile(io.artstore.ingester.core.domain.FileId fileId) {
            return log.findByFile(fileId);
        }
    }
}
