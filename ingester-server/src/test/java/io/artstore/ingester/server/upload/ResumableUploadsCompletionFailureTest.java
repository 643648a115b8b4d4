package io.artstore.ingester.server.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.upload.Concatenation;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.core.upload.UploadState;
import io.artstore.ingester.server.config.ResumableSettings;
import io.artstore.ingester.storage.embedded.FileUploadSessions;
import io.artstore.ingester.storage.embedded.InMemoryCapacityReservations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A completion that does not end with the file stored loses none of the upload's bytes: an add left to recovery keeps
 * the upload completing until its outcome is known, a failure that passes leaves every byte staged for a retry, and
 * only a permanent refusal fails the upload.
 */
class ResumableUploadsCompletionFailureTest {

    private static final Caller OWNER = Caller.anonymous();
    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final byte[] CONTENT = "the bytes of an upload whose completion does not go as planned".getBytes();

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final ScriptedCompletion completion = new ScriptedCompletion();
    private StagingArea staging;
    private ResumableUploads uploads;

    @BeforeEach
    void setUp() {
        ResumableSettings settings = new ResumableSettings(root.resolve("staging"), 0, Duration.ofHours(1),
                Duration.ofSeconds(2), LEASE, Duration.ofHours(1), List.of());
        staging = new StagingArea(settings.stagingDir());
        uploads = new ResumableUploads(FileUploadSessions.open(root.resolve("sessions")), staging,
                new InMemoryCapacityReservations(), settings, 1L << 30, "instance-a", clock, completion);
    }

    @AfterEach
    void tearDown() {
        uploads.close();
    }

    @Test
    void an_add_left_to_recovery_keeps_the_upload_completing_and_is_completed_with_its_file_once_stored() throws Exception {
        completion.next.add(file -> {
            throw pending(file);
        });
        UploadSession upload = create();

        assertThatThrownBy(() -> sendAll(upload)).isInstanceOfSatisfying(IngestException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.code()).isEqualTo("saga_pending");
        });
        UploadSession left = uploads.find(upload.id(), OWNER);
        FileId file = completion.tried.get(0);
        assertThat(left.state()).isEqualTo(UploadState.COMPLETING);
        assertThat(left.fileId()).contains(file);
        assertThat(Files.readAllBytes(staging.file(upload.id()))).isEqualTo(CONTENT);

        // While recovery still drives the add, the upload waits for it.
        clock.advance(LEASE.multipliedBy(4));
        assertThat(uploads.find(upload.id(), OWNER).state()).isEqualTo(UploadState.COMPLETING);

        completion.outcomes.put(file, ResumableUploads.Completion.Outcome.STORED);
        UploadSession settled = uploads.find(upload.id(), OWNER);
        assertThat(settled.state()).isEqualTo(UploadState.COMPLETED);
        assertThat(settled.storedFile()).contains(file);
        assertThat(Files.exists(staging.file(upload.id()))).as("staged bytes deleted once stored").isFalse();
        assertThat(completion.stored).isEmpty();
    }

    @Test
    void an_add_left_to_recovery_and_undone_is_stored_again_from_the_staged_bytes() throws Exception {
        completion.next.add(file -> {
            throw pending(file);
        });
        UploadSession upload = create();
        assertThatThrownBy(() -> sendAll(upload)).isInstanceOf(IngestException.class);
        FileId undone = completion.tried.get(0);

        completion.outcomes.put(undone, ResumableUploads.Completion.Outcome.UNDONE);
        clock.advance(LEASE.multipliedBy(4));
        UploadSession again = uploads.find(upload.id(), OWNER);
        assertThat(again.state()).isEqualTo(UploadState.COMPLETING);
        assertThat(again.fileId()).isPresent().isNotEqualTo(Optional.of(undone));

        await("the upload stored again", () -> uploads.find(upload.id(), OWNER).state() == UploadState.COMPLETED);
        UploadSession done = uploads.find(upload.id(), OWNER);
        assertThat(done.storedFile()).isEqualTo(again.fileId());
        assertThat(completion.stored).containsExactly(new Stored(again.fileId().orElseThrow(), CONTENT.length, true));
    }

    @Test
    void an_add_left_to_recovery_is_settled_by_its_instance_when_no_client_asks() throws Exception {
        uploads.close();
        FileUploadSessions sessions = FileUploadSessions.open(root.resolve("quick-sessions"));
        ResumableSettings quick = new ResumableSettings(root.resolve("quick-staging"), 0, Duration.ofHours(1),
                Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofHours(1), List.of());
        staging = new StagingArea(quick.stagingDir());
        uploads = new ResumableUploads(sessions, staging, new InMemoryCapacityReservations(), quick, 1L << 30,
                "instance-a", Clock.systemUTC(), completion);
        completion.next.add(file -> {
            throw pending(file);
        });
        UploadSession upload = create();
        assertThatThrownBy(() -> sendAll(upload)).isInstanceOf(IngestException.class);
        FileId file = completion.tried.get(0);

        completion.outcomes.put(file, ResumableUploads.Completion.Outcome.STORED);

        // Read from the store itself: reading through the uploads would settle it on the spot.
        await("the upload settled without a request", () -> sessions.find(upload.id()).orElseThrow().state() == UploadState.COMPLETED);
        assertThat(sessions.find(upload.id()).orElseThrow().storedFile()).contains(file);
        // The staged bytes go right after the session says completed.
        await("the staged bytes deleted once stored", () -> !Files.exists(staging.file(upload.id())));
    }

    @Test
    void an_unreachable_element_keeps_every_staged_byte_and_a_head_stores_the_file_once() throws Exception {
        completion.next.add(file -> {
            throw new IngestException(Kind.UNAVAILABLE, "storage_unavailable", "no element of the mode answers");
        });
        UploadSession upload = create();

        assertThatThrownBy(() -> sendAll(upload)).isInstanceOfSatisfying(IngestException.class,
                e -> assertThat(e.code()).isEqualTo("storage_unavailable"));
        UploadSession left = uploads.find(upload.id(), OWNER);
        assertThat(left.state()).isEqualTo(UploadState.RECEIVING);
        assertThat(left.offset()).isEqualTo(CONTENT.length);
        assertThat(left.fileId()).isEmpty();
        assertThat(left.failure()).hasValueSatisfying(reason -> assertThat(reason).contains("storage_unavailable"));
        assertThat(Files.readAllBytes(staging.file(upload.id()))).isEqualTo(CONTENT);

        UploadSession done = uploads.head(upload.id(), OWNER);
        assertThat(done.state()).isEqualTo(UploadState.COMPLETED);
        assertThat(done.failure()).isEmpty();
        assertThat(completion.stored).containsExactly(new Stored(done.storedFile().orElseThrow(), CONTENT.length, true));
        assertThat(completion.tried).hasSize(2).doesNotHaveDuplicates();
        assertThat(Files.exists(staging.file(upload.id()))).isFalse();
        // Asking again stores nothing more.
        assertThat(uploads.head(upload.id(), OWNER).storedFile()).isEqualTo(done.storedFile());
        assertThat(completion.tried).hasSize(2);
    }

    @Test
    void no_room_for_now_keeps_every_staged_byte_and_an_empty_patch_at_the_final_offset_stores_the_file_once() throws Exception {
        completion.next.add(file -> {
            throw new IngestException(Kind.INSUFFICIENT_STORAGE, "storage_full", "the element is full");
        });
        completion.next.add(file -> {
            throw new IngestException(Kind.UNAVAILABLE, "state_store_unavailable", "the state store does not answer");
        });
        UploadSession upload = create();
        assertThatThrownBy(() -> sendAll(upload)).isInstanceOfSatisfying(IngestException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.INSUFFICIENT_STORAGE));
        assertThatThrownBy(() -> sendEmptyAtEnd(upload)).isInstanceOfSatisfying(IngestException.class,
                e -> assertThat(e.code()).isEqualTo("state_store_unavailable"));
        assertThat(uploads.find(upload.id(), OWNER).state()).isEqualTo(UploadState.RECEIVING);
        assertThat(Files.readAllBytes(staging.file(upload.id()))).isEqualTo(CONTENT);

        UploadSession done = sendEmptyAtEnd(upload);
        assertThat(done.state()).isEqualTo(UploadState.COMPLETED);
        assertThat(completion.stored).containsExactly(new Stored(done.storedFile().orElseThrow(), CONTENT.length, true));
        assertThat(completion.tried).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void a_permanent_refusal_fails_the_upload_and_deletes_its_staged_bytes() throws Exception {
        completion.next.add(file -> {
            throw new IngestException(Kind.CONTENT_MISMATCH, "checksum_mismatch", "the file's SHA-256 is not the checksum field");
        });
        UploadSession upload = create();
        assertThatThrownBy(() -> sendAll(upload)).isInstanceOfSatisfying(IngestException.class,
                e -> assertThat(e.code()).isEqualTo("checksum_mismatch"));
        UploadSession failed = uploads.find(upload.id(), OWNER);
        assertThat(failed.state()).isEqualTo(UploadState.FAILED);
        assertThat(failed.failure()).hasValueSatisfying(reason -> assertThat(reason).contains("checksum_mismatch"));
        assertThat(Files.exists(staging.file(upload.id()))).isFalse();
        assertThat(uploads.head(upload.id(), OWNER).state()).isEqualTo(UploadState.FAILED);
        assertThat(completion.tried).hasSize(1);
    }

    private UploadSession create() {
        return uploads.create(new ResumableUploads.NewUpload(OptionalLong.of(CONTENT.length), Map.of(),
                Concatenation.none(), OWNER, Optional.empty()));
    }

    private UploadSession sendAll(UploadSession upload) {
        return uploads.receive(upload.id(), OWNER, new ResumableUploads.Chunk(0, OptionalLong.empty(),
                OptionalLong.of(CONTENT.length), List.of()), new ByteArrayInputStream(CONTENT));
    }

    private UploadSession sendEmptyAtEnd(UploadSession upload) {
        return uploads.receive(upload.id(), OWNER, new ResumableUploads.Chunk(CONTENT.length, OptionalLong.empty(),
                OptionalLong.of(0), List.of()), InputStream.nullInputStream());
    }

    private static IngestException pending(FileId file) {
        return new IngestException(Kind.UNAVAILABLE, "saga_pending", "the add of file " + file
                + " is being finished in the background");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what).isTrue();
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** What a store call received. */
    record Stored(FileId file, int bytes, boolean whole) {}

    /** Runs the next scripted failure, if any; else stores the content (reads it whole). */
    static final class ScriptedCompletion implements ResumableUploads.Completion {
        final Queue<java.util.function.Consumer<FileId>> next = new ConcurrentLinkedQueue<>();
        final List<FileId> tried = new CopyOnWriteArrayList<>();
        final List<Stored> stored = new CopyOnWriteArrayList<>();
        final Map<FileId, Outcome> outcomes = new ConcurrentHashMap<>();

        @Override
        public FileId store(UploadSession session, InputStream content, FileId file) {
            tried.add(file);
            java.util.function.Consumer<FileId> failure = next.poll();
            if (failure != null) {
                failure.accept(file);
            }
            try {
                byte[] bytes = content.readAllBytes();
                stored.add(new Stored(file, bytes.length, java.util.Arrays.equals(bytes, CONTENT)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            outcomes.put(file, Outcome.STORED);
            return file;
        }

        @Override
        public Outcome outcome(FileId file) {
            return outcomes.getOrDefault(file, Outcome.RUNNING);
        }
    }

    /** A clock the test moves, so that a completion is taken for stopped without waiting for it. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
