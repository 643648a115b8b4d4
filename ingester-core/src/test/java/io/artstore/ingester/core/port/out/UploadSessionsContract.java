package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.upload.Concatenation;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadReservation;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.core.upload.UploadState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link UploadSessions} does; each implementation's test extends this. */
public abstract class UploadSessionsContract {

    protected UploadSessions sessions;

    /** A new store holding no session. */
    protected abstract UploadSessions createSessions() throws Exception;

    /** The same sessions as another instance (or this one after a restart) sees them. */
    protected abstract UploadSessions anotherView(UploadSessions sessions) throws Exception;

    @BeforeEach
    void createTheStore() throws Exception {
        sessions = createSessions();
    }

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    protected static UploadSession session(Instant expires) {
        return UploadSession.start(UploadId.random(), OptionalLong.of(1000), Map.of("filename", "a.txt", "target_mode", "edit"),
                Concatenation.none(), new Caller("alice", "Alice", Optional.of("web"), Optional.of("jti-1")), NOW, expires,
                new UploadReservation(1000, Optional.of(StorageElementId.of("se-1"))));
    }

    @Test
    void a_created_session_reads_back_equal_on_every_view() throws Exception {
        UploadSession created = UploadSession.start(UploadId.random(), OptionalLong.empty(), Map.of("filename", "ü \"x\".bin"),
                Concatenation.finalOf(List.of(UploadId.random(), UploadId.random())), Caller.anonymous(), NOW,
                NOW.plus(Duration.ofHours(1)), UploadReservation.none());

        assertThat(sessions.create(created)).isTrue();

        assertThat(sessions.find(created.id())).contains(created);
        assertThat(anotherView(sessions).find(created.id())).contains(created);
    }

    @Test
    void create_keeps_an_existing_session() {
        UploadSession first = session(NOW.plus(Duration.ofHours(1)));
        sessions.create(first);

        UploadSession same = first.withLength(5, NOW);
        UploadSession clash = new UploadSession(first.id(), 1, OptionalLong.of(5), 0, Map.of(), Concatenation.partial(),
                UploadState.RECEIVING, Optional.empty(), Caller.anonymous(), NOW, NOW, NOW, UploadReservation.none(),
                same.lock(), 0, Optional.empty());

        assertThat(sessions.create(clash)).isFalse();
        assertThat(sessions.find(first.id())).contains(first);
    }

    @Test
    void an_unknown_upload_is_not_found() {
        assertThat(sessions.find(UploadId.random())).isEmpty();
    }

    @Test
    void replace_writes_only_over_the_revision_it_was_made_from() throws Exception {
        UploadSession created = session(NOW.plus(Duration.ofHours(1)));
        sessions.create(created);
        UploadSession locked = created.withLock(created.lock().takenBy("i1/r1", NOW.plusSeconds(5)), NOW);
        UploadSession rival = created.withLock(created.lock().takenBy("i2/r9", NOW.plusSeconds(5)), NOW);

        assertThat(sessions.replace(locked)).isTrue();
        assertThat(anotherView(sessions).replace(rival)).as("made from a revision that is gone").isFalse();

        UploadSession advanced = locked.withOffset(400, 123.5, locked.lock().renewedUntil(NOW.plusSeconds(9)), NOW.plusSeconds(1));
        assertThat(sessions.replace(advanced)).isTrue();
        assertThat(anotherView(sessions).find(created.id())).contains(advanced);
        assertThat(sessions.replace(advanced)).as("the same revision twice").isFalse();
    }

    @Test
    void a_lease_change_is_a_compare_and_set_seen_by_every_view() throws Exception {
        UploadSession created = session(NOW.plus(Duration.ofHours(1)));
        sessions.create(created);
        UploadSession locked = created.withLock(created.lock().takenBy("i1/r1", NOW.plusSeconds(5)), NOW);
        UploadSession rival = created.withLock(created.lock().takenBy("i2/r9", NOW.plusSeconds(5)), NOW);

        assertThat(sessions.replaceLease(locked)).isTrue();
        assertThat(anotherView(sessions).replaceLease(rival)).as("made from a revision that is gone").isFalse();
        assertThat(anotherView(sessions).find(created.id())).contains(locked);

        UploadSession asked = locked.withLock(locked.lock().withReleaseRequested(), NOW.plusSeconds(1));
        assertThat(anotherView(sessions).replaceLease(asked)).isTrue();
        UploadSession advanced = asked.withOffset(400, 1, asked.lock().released(), NOW.plusSeconds(2));
        assertThat(sessions.replaceLease(locked.withLock(locked.lock().released(), NOW))).as("stale").isFalse();
        assertThat(sessions.replace(advanced)).isTrue();
        assertThat(anotherView(sessions).find(created.id())).contains(advanced);
        assertThat(sessions.replaceLease(asked.withLock(asked.lock().released(), NOW))).as("the stored revision").isFalse();
        UploadSession never = session(NOW.plusSeconds(60));
        assertThat(sessions.replaceLease(never.withExpires(NOW.plusSeconds(90), NOW))).as("missing").isFalse();
        assertThat(sessions.find(never.id())).isEmpty();
    }

    @Test
    void many_lease_changes_between_durable_ones_keep_the_latest() throws Exception {
        UploadSession current = session(NOW.plus(Duration.ofHours(1)));
        sessions.create(current);
        for (int i = 1; i <= 20; i++) {
            UploadSession leased = current.withLock(current.lock().takenBy("i1/r" + i, NOW.plusSeconds(i)), NOW);
            assertThat(sessions.replaceLease(leased)).isTrue();
            current = i % 3 == 0 ? leased.withOffset(i, 1, leased.lock().released(), NOW) : leased;
            if (current != leased) {
                assertThat(sessions.replace(current)).isTrue();
            }
            assertThat(anotherView(sessions).find(current.id())).contains(current);
        }
    }

    @Test
    void replace_of_a_missing_session_fails() {
        UploadSession never = session(NOW.plus(Duration.ofHours(1)));

        assertThat(sessions.replace(never.withLength(3, NOW))).isFalse();
        assertThat(sessions.find(never.id())).isEmpty();
    }

    @Test
    void remove_takes_only_the_revision_it_names() throws Exception {
        UploadSession created = session(NOW.plus(Duration.ofHours(1)));
        sessions.create(created);
        UploadSession changed = created.withExpires(NOW.plus(Duration.ofHours(2)), NOW);
        sessions.replace(changed);

        assertThat(sessions.remove(created.id(), created.revision())).isFalse();
        assertThat(sessions.find(created.id())).contains(changed);

        assertThat(sessions.remove(created.id(), changed.revision())).isTrue();
        assertThat(anotherView(sessions).find(created.id())).isEmpty();
        assertThat(sessions.remove(created.id(), changed.revision())).isFalse();
    }

    @Test
    void expired_lists_sessions_due_by_now_earliest_first() {
        UploadSession later = session(NOW.minusSeconds(10));
        UploadSession earliest = session(NOW.minusSeconds(60));
        UploadSession due = session(NOW);
        UploadSession future = session(NOW.plusSeconds(60));
        UploadSession done = session(NOW.minusSeconds(30));
        for (UploadSession each : List.of(later, earliest, due, future, done)) {
            sessions.create(each);
        }
        sessions.replace(done.completed(FileId.random(), NOW, NOW.plusSeconds(3600)));

        assertThat(sessions.expiredAt(NOW, 10)).as("a finished one is kept until its own expiry")
                .extracting(UploadSession::id).containsExactly(earliest.id(), later.id(), due.id());
        assertThat(sessions.expiredAt(NOW, 2)).extracting(UploadSession::id).containsExactly(earliest.id(), later.id());
    }

    @Test
    void expiry_moved_later_is_honoured() {
        UploadSession created = session(NOW.minusSeconds(5));
        sessions.create(created);

        sessions.replace(created.withExpires(NOW.plusSeconds(3600), NOW));

        assertThat(sessions.expiredAt(NOW, 10)).isEmpty();
    }

    @Test
    void list_gives_the_most_recently_updated_first() {
        UploadSession first = session(NOW.plusSeconds(600));
        UploadSession second = session(NOW.plusSeconds(600));
        sessions.create(first);
        sessions.create(second);

        sessions.replace(first.withOffset(10, 1, first.lock(), NOW.plusSeconds(2)));

        assertThat(sessions.list(10)).extracting(UploadSession::id).containsExactly(first.id(), second.id());
        assertThat(sessions.list(1)).extracting(UploadSession::id).containsExactly(first.id());
    }

    @Test
    void concurrent_compare_and_sets_each_win_once() throws Exception {
        UploadSession created = session(NOW.plusSeconds(600));
        sessions.create(created);
        int threads = 6;
        int steps = 10;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> wins = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                wins.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int won = 0;
                    while (true) {
                        UploadSession current = sessions.find(created.id()).orElseThrow();
                        if (current.offset() >= steps) {
                            return won;
                        }
                        if (sessions.replace(current.withOffset(current.offset() + 1, 0, current.lock(), NOW))) {
                            won++;
                        }
                    }
                }));
            }
            int total = 0;
            for (Future<Integer> future : wins) {
                total += future.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(steps);
            UploadSession last = sessions.find(created.id()).orElseThrow();
            assertThat(last.offset()).isEqualTo(steps);
            assertThat(last.revision()).isEqualTo(1 + steps);
        } finally {
            pool.shutdownNow();
        }
    }
}
