package io.artstore.ingester.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.transfer.TransferFixture.SeededFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transfers and deletes that run at once, written once and run over each kind of storage element: extend it and
 * build the fixture in {@link #newFixture}.
 */
public abstract class TransferConcurrencyScenarios {

    private static final long WAIT_SECONDS = 30;

    private final ExecutorService threads = Executors.newFixedThreadPool(20);
    private TransferFixture fixture;

    /** A new fixture; fixtures may share storage, since their files never share an id. */
    protected abstract TransferFixture newFixture();

    @BeforeEach
    public void createFixture() {
        fixture = newFixture();
    }

    @AfterEach
    public void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    public void twenty_transfers_in_parallel_all_commit() throws Exception {
        TransferCoordinator coordinator = fixture.coordinator();
        List<SeededFile> files = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            files.add(fixture.seed("sheet-" + i + ".pdf"));
        }
        CyclicBarrier together = new CyclicBarrier(files.size());
        List<Future<TransactionId>> transfers = new ArrayList<>();
        for (SeededFile file : files) {
            transfers.add(threads.submit(() -> {
                together.await(WAIT_SECONDS, TimeUnit.SECONDS);
                return coordinator.begin(file.fileId(), Optional.empty());
            }));
        }

        List<TransactionId> ids = new ArrayList<>();
        for (Future<TransactionId> transfer : transfers) {
            ids.add(transfer.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }
        for (int i = 0; i < files.size(); i++) {
            assertThat(coordinator.status(ids.get(i)).state()).isEqualTo(TransferState.COMMITTED);
            assertThat(fixture.assertConsistent(files.get(i))).isSameAs(fixture.rw);
            assertThat(fixture.transferEvents(files.get(i).fileId())).isEqualTo(1);
        }
        assertThat(fixture.locks.held()).isEmpty();
    }

    @Test
    public void a_delete_during_a_transfer_is_refused_with_409() throws Exception {
        SeededFile file = fixture.seed("contested.pdf");
        CountDownLatch staging = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        fixture.rw.beforeStage(() -> {
            staging.countDown();
            await(resume);
        });
        TransferCoordinator coordinator = fixture.coordinator();
        Future<TransactionId> transfer = threads.submit(() -> coordinator.begin(file.fileId(), Optional.empty()));
        await(staging);

        assertThatThrownBy(() -> fixture.deleteService().delete(file.fileId()))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
                    assertThat(e.code()).isEqualTo("file_locked");
                })
                .hasMessageContaining("transfer");
        resume.countDown();

        assertThat(coordinator.status(transfer.get(WAIT_SECONDS, TimeUnit.SECONDS)).state()).isEqualTo(TransferState.COMMITTED);
        assertThat(fixture.assertConsistent(file)).isSameAs(fixture.rw);
    }

    @Test
    public void a_transfer_during_a_delete_is_refused_with_409() throws Exception {
        SeededFile file = fixture.seed("doomed.pdf");
        CountDownLatch deleting = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        fixture.edit.beforeDelete(() -> {
            deleting.countDown();
            await(resume);
        });
        DeleteFileUseCase delete = fixture.deleteService();
        Future<?> deletion = threads.submit(() -> delete.delete(file.fileId()));
        await(deleting);

        assertThatThrownBy(() -> fixture.coordinator().begin(file.fileId(), Optional.empty()))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
                    assertThat(e.code()).isEqualTo("file_locked");
                })
                .hasMessageContaining("delete");
        resume.countDown();
        deletion.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(fixture.edit.holds(file.fileId())).isFalse();
        assertThat(fixture.rw.holds(file.fileId())).isFalse();
        assertThat(fixture.log.findByFile(file.fileId())).isEmpty();
        assertThat(fixture.locks.held()).isEmpty();
    }

    @Test
    public void a_delete_racing_a_transfer_never_interleaves_with_it() throws Exception {
        for (int round = 0; round < 30; round++) {
            TransferFixture race = newFixture();
            SeededFile file = race.seed("race-" + round + ".pdf");
            TransferCoordinator coordinator = race.coordinator();
            DeleteFileUseCase delete = race.deleteService();
            CyclicBarrier together = new CyclicBarrier(2);
            Future<Optional<IngestException>> transfer = threads.submit(outcome(together,
                    () -> coordinator.begin(file.fileId(), Optional.empty())));
            Future<Optional<IngestException>> deletion = threads.submit(outcome(together, () -> delete.delete(file.fileId())));

            Optional<IngestException> transferFailure = get(transfer);
            Optional<IngestException> deleteFailure = get(deletion);

            assertThat(transferFailure.isEmpty() ^ deleteFailure.isEmpty()).as("exactly one wins in round %d", round).isTrue();
            IngestException loser = transferFailure.or(() -> deleteFailure).orElseThrow();
            // Refused while the winner ran (409), or after it finished: the file is gone (404) or on rw (409).
            assertThat(loser.kind()).isIn(Kind.CONFLICT, Kind.NOT_FOUND);
            if (transferFailure.isEmpty()) {
                assertThat(race.assertConsistent(file)).isSameAs(race.rw);
            } else {
                assertThat(race.edit.holds(file.fileId()) || race.rw.holds(file.fileId())).isFalse();
                assertThat(race.catalog.find(file.fileId())).isEmpty();
                assertThat(race.rw.holdsStaged(file.fileId())).isFalse();
                assertThat(race.transferEvents(file.fileId())).isZero();
            }
            assertThat(race.locks.held()).isEmpty();
            assertThat(race.log.unfinished()).isEmpty();
        }
    }

    private static Callable<Optional<IngestException>> outcome(CyclicBarrier together, Runnable operation) {
        return () -> {
            together.await(WAIT_SECONDS, TimeUnit.SECONDS);
            try {
                operation.run();
                return Optional.empty();
            } catch (IngestException refused) {
                return Optional.of(refused);
            }
        };
    }

    private static <T> T get(Future<T> future) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("waited " + WAIT_SECONDS + " s in vain");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
