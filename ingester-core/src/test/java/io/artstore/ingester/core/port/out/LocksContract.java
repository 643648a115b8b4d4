package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.Locks.Lock;
import io.artstore.ingester.core.port.out.Locks.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link Locks} does; each implementation's test extends this. */
public abstract class LocksContract {

    protected Locks locks;

    /** New locks with nothing held. */
    protected abstract Locks createLocks() throws Exception;

    @BeforeEach
    void createTheLocks() throws Exception {
        locks = createLocks();
    }

    @Test
    void a_free_file_is_locked_for_the_first_owner_only() {
        FileId file = FileId.random();

        Optional<Lock> first = locks.tryLock(file, Operation.TRANSFER, "tx-1");

        assertThat(first).hasValueSatisfying(lock -> {
            assertThat(lock.fileId()).isEqualTo(file);
            assertThat(lock.operation()).isEqualTo(Operation.TRANSFER);
            assertThat(lock.owner()).isEqualTo("tx-1");
            assertThat(lock.fencingToken()).isPositive();
        });
        assertThat(locks.tryLock(file, Operation.DELETE, "delete-1")).isEmpty();
        assertThat(locks.tryLock(file, Operation.DELETE, "tx-1")).isEmpty();
        assertThat(locks.isLocked(file)).isTrue();
        assertThat(locks.holder(file)).isEqualTo(first);
        assertThat(locks.held()).containsExactly(first.get());
    }

    @Test
    void the_holder_asking_again_gets_its_lock_back_unchanged() {
        FileId file = FileId.random();
        Lock lock = locks.tryLock(file, Operation.TRANSFER, "tx-1").orElseThrow();

        assertThat(locks.tryLock(file, Operation.TRANSFER, "tx-1")).hasValue(lock);
    }

    @Test
    void every_grant_has_a_greater_fencing_token_than_the_ones_before() {
        FileId file = FileId.random();
        Lock first = locks.tryLock(file, Operation.TRANSFER, "tx-1").orElseThrow();
        Lock other = locks.tryLock(FileId.random(), Operation.DELETE, "delete-1").orElseThrow();
        assertThat(locks.release(first)).isTrue();

        Lock second = locks.tryLock(file, Operation.DELETE, "delete-2").orElseThrow();

        assertThat(other.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(second.fencingToken()).isGreaterThan(other.fencingToken());
    }

    @Test
    void releasing_frees_the_file_and_is_idempotent() {
        FileId file = FileId.random();
        Lock lock = locks.tryLock(file, Operation.TRANSFER, "tx-1").orElseThrow();

        assertThat(locks.release(lock)).isTrue();
        assertThat(locks.release(lock)).isFalse();
        assertThat(locks.isLocked(file)).isFalse();
        assertThat(locks.holder(file)).isEmpty();
        assertThat(locks.held()).isEmpty();
    }

    @Test
    void a_stale_grant_releases_nothing_and_fails_validation() {
        FileId file = FileId.random();
        Lock stale = locks.tryLock(file, Operation.TRANSFER, "tx-1").orElseThrow();
        locks.release(stale);
        Lock current = locks.tryLock(file, Operation.TRANSFER, "tx-1").orElseThrow();

        assertThat(locks.release(stale)).isFalse();
        assertThat(locks.holder(file)).hasValue(current);
        assertThatCode(() -> locks.validate(current)).doesNotThrowAnyException();
        assertThatThrownBy(() -> locks.validate(stale)).isInstanceOfSatisfying(IngestException.class, e -> {
            assertThat(e.kind()).isEqualTo(IngestException.Kind.CONFLICT);
            assertThat(e.code()).isEqualTo("lock_lost");
        });
    }

    @Test
    void a_released_grant_fails_validation() {
        Lock lock = locks.tryLock(FileId.random(), Operation.DELETE, "delete-1").orElseThrow();
        locks.release(lock);

        assertThatThrownBy(() -> locks.validate(lock)).isInstanceOf(IngestException.class);
    }

    @Test
    void of_owners_racing_for_one_file_exactly_one_wins() throws Exception {
        FileId file = FileId.random();
        int racers = 16;
        CyclicBarrier together = new CyclicBarrier(racers);
        ExecutorService threads = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Optional<Lock>>> attempts = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                String owner = "owner-" + i;
                attempts.add(threads.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return locks.tryLock(file, Operation.TRANSFER, owner);
                }));
            }
            int winners = 0;
            for (Future<Optional<Lock>> attempt : attempts) {
                winners += attempt.get(10, TimeUnit.SECONDS).isPresent() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void tokens_stay_unique_under_concurrent_grants() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> grants = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String owner = "owner-" + i;
                grants.add(threads.submit(() -> locks.tryLock(FileId.random(), Operation.TRANSFER, owner).orElseThrow().fencingToken()));
            }
            List<Long> tokens = new ArrayList<>();
            for (Future<Long> grant : grants) {
                tokens.add(grant.get(10, TimeUnit.SECONDS));
            }
            assertThat(tokens).doesNotHaveDuplicates();
            assertThat(locks.held()).hasSize(64);
        } finally {
            threads.shutdownNow();
        }
    }
}
