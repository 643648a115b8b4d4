package io.artstore.ingester.server.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.upload.Concatenation;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.server.config.ResumableSettings;
import io.artstore.ingester.storage.embedded.FileUploadSessions;
import io.artstore.ingester.storage.embedded.InMemoryCapacityReservations;
import io.artstore.ingester.server.testing.TestServer;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests waiting for an upload's lock, and progress streams, wake at a change made here instead of polling. */
class ResumableUploadsWaitTest {

    private static final Caller OWNER = Caller.anonymous();
    /** How long the stalled client keeps the lock before its next bytes arrive. */
    private static final long STALL_MILLIS = 800;

    @TempDir
    Path root;

    private FileUploadSessions stored;
    private final AtomicInteger reads = new AtomicInteger();
    private ResumableUploads uploads;

    @BeforeEach
    void setUp() {
        stored = FileUploadSessions.open(root.resolve("sessions"));
        UploadSessions counting = new ForwardingUploadSessions(stored) {
            @Override
            public Optional<UploadSession> find(UploadId id) {
                reads.incrementAndGet();
                return super.find(id);
            }
        };
        // A long lock wait: a HEAD that answers early was woken by the holder letting go, not by taking over.
        ResumableSettings settings = new ResumableSettings(root.resolve("staging"), 0, Duration.ofHours(1),
                Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofHours(1), List.of());
        uploads = new ResumableUploads(counting, new StagingArea(settings.stagingDir()), new InMemoryCapacityReservations(),
                settings, 1L << 30, "instance-a", Clock.systemUTC(), (session, content, file) -> file);
    }

    @AfterEach
    void tearDown() {
        uploads.close();
    }

    @Test
    void a_head_waiting_for_a_holder_on_this_instance_wakes_when_it_lets_go_without_polling_the_session() throws Exception {
        UploadSession upload = uploads.create(new ResumableUploads.NewUpload(OptionalLong.of(4000), Map.of(),
                Concatenation.none(), OWNER, Optional.empty()));
        StallingBody body = new StallingBody(1000, 1000);
        CompletableFuture<Throwable> patch = CompletableFuture.supplyAsync(() -> {
            try {
                uploads.receive(upload.id(), OWNER, new ResumableUploads.Chunk(0, OptionalLong.empty(),
                        OptionalLong.of(2000), List.of()), body);
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        assertThat(body.stalled.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<UploadSession> head = CompletableFuture.supplyAsync(() -> uploads.head(upload.id(), OWNER));
        TestServer.await("the HEAD asked the holder to let go", () -> stored.find(upload.id()).orElseThrow().lock().releaseRequested());
        int before = reads.get();
        body.resume.countDown();
        UploadSession answered = head.get(20, TimeUnit.SECONDS);

        // The holder acknowledged what it had and let go; the HEAD then answered that offset.
        assertThat(answered.offset()).isEqualTo(1000);
        assertThat(patch.get(20, TimeUnit.SECONDS)).isNotNull();
        // Polling every 20 ms read the session ~40 times during the stall; waiting on the change, a few times.
        assertThat(reads.get() - before).as("session reads while the holder stalled").isLessThan(20);
    }

    @Test
    void a_change_made_here_wakes_a_waiter_at_once_and_a_waiter_without_one_waits_to_its_deadline() throws Exception {
        UploadSession upload = uploads.create(new ResumableUploads.NewUpload(OptionalLong.of(4000), Map.of(),
                Concatenation.none(), OWNER, Optional.empty()));
        long seen = uploads.changes();
        Instant start = Instant.now();
        assertThat(uploads.awaitChange(seen, start.plusMillis(200))).isFalse();
        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(200));

        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return uploads.awaitChange(seen, Instant.now().plusSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        uploads.terminate(upload.id(), OWNER);
        assertThat(waiter.get(20, TimeUnit.SECONDS)).isTrue();
    }

    /** Gives {@code first} bytes, stalls until resumed and {@link #STALL_MILLIS} more, gives {@code then} more, ends. */
    private static final class StallingBody extends InputStream {
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        private int first;
        private int then;

        StallingBody(int first, int then) {
            this.first = first;
            this.then = then;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (first > 0) {
                int n = Math.min(len, first);
                first -= n;
                return n;
            }
            if (then <= 0) {
                return -1;
            }
            stalled.countDown();
            try {
                // Held until the HEAD waits for the lock; then, a slow client, this much longer before its next bytes.
                resume.await(20, TimeUnit.SECONDS);
                new CountDownLatch(1).await(STALL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int n = Math.min(len, then);
            then -= n;
            return n;
        }
    }
}
