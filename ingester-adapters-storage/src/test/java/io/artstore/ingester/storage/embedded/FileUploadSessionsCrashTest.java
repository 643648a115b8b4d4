package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.upload.Concatenation;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadReservation;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.core.upload.UploadSessionCodec;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash in the middle of writing a session leaves: a write is simulated torn by applying only a prefix of the
 * bytes it changed to the file as it was before it.
 */
class FileUploadSessionsCrashTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @TempDir
    Path root;

    private Path folder;
    private FileUploadSessions sessions;

    @BeforeEach
    void open() {
        folder = root.resolve("uploads");
        sessions = FileUploadSessions.open(folder);
    }

    private static UploadSession session() {
        return UploadSession.start(UploadId.random(), OptionalLong.of(1 << 30), Map.of("filename", "a.bin", "target_mode", "edit"),
                Concatenation.none(), new Caller("alice", "Alice", Optional.of("web"), Optional.of("jti-1")), NOW,
                NOW.plus(Duration.ofHours(1)), UploadReservation.none());
    }

    private Path fileOf(UploadSession session) {
        return folder.resolve(session.id().value() + FileUploadSessions.SUFFIX);
    }

    private static UploadSession taken(UploadSession s, String request) {
        return s.withLock(s.lock().takenBy(request, NOW.plusSeconds(5)), NOW);
    }

    private static UploadSession acknowledged(UploadSession s, long offset) {
        return s.withOffset(offset, 1, s.lock().released(), NOW);
    }

    /** Runs {@code write}, then puts back the file as before it with only the first {@code kept} of the changed bytes. */
    private void tear(UploadSession session, UnaryOperator<Void> write, double kept) throws Exception {
        Path file = fileOf(session);
        byte[] before = Files.readAllBytes(file);
        write.apply(null);
        byte[] after = Files.readAllBytes(file);
        assertThat(after).as("written in place").hasSameSizeAs(before);
        int first = 0;
        while (first < before.length && before[first] == after[first]) {
            first++;
        }
        int last = before.length;
        while (last > first && before[last - 1] == after[last - 1]) {
            last--;
        }
        assertThat(last).as("the write changed bytes").isGreaterThan(first);
        byte[] torn = before.clone();
        int end = first + (int) ((last - first) * kept);
        System.arraycopy(after, first, torn, first, end - first);
        Files.write(file, torn);
    }

    @Test
    void a_torn_acknowledgement_leaves_the_one_before_readable() throws Exception {
        UploadSession created = session();
        sessions.create(created);
        UploadSession locked = taken(created, "i1/r1");
        sessions.replaceLease(locked);
        UploadSession first = acknowledged(locked, 16 << 20);
        sessions.replace(first);
        UploadSession relocked = taken(first, "i1/r2");
        sessions.replaceLease(relocked);
        UploadSession second = acknowledged(relocked, 32 << 20);

        tear(created, unused -> {
            assertThat(sessions.replace(second)).isTrue();
            return null;
        }, 0.5);

        UploadSession after = FileUploadSessions.open(folder).find(created.id()).orElseThrow();
        assertThat(after.offset()).as("the last acknowledged offset survives").isEqualTo(16 << 20);
        assertThat(after).isIn(first, relocked);
        assertThat(FileUploadSessions.open(folder).replace(after.withOffset(32 << 20, 1, after.lock().released(), NOW)))
                .as("the next write goes on from what was read").isTrue();
        assertThat(FileUploadSessions.open(folder).find(created.id()).orElseThrow().offset()).isEqualTo(32 << 20);
    }

    @Test
    void a_torn_lease_change_never_takes_away_an_acknowledgement() throws Exception {
        UploadSession created = session();
        sessions.create(created);
        UploadSession current = created;
        // Every acknowledgement is preceded by lease changes; tear the lease change after each, at every point.
        for (int round = 1; round <= 4; round++) {
            UploadSession locked = taken(current, "i1/r" + round);
            assertThat(sessions.replaceLease(locked)).isTrue();
            UploadSession ack = acknowledged(locked, round);
            assertThat(sessions.replace(ack)).isTrue();
            UploadSession next = taken(ack, "i1/x" + round);
            for (double kept : new double[] {0.0, 0.1, 0.5, 0.99}) {
                Path file = fileOf(created);
                byte[] whole = Files.readAllBytes(file);
                tear(created, unused -> {
                    assertThat(sessions.replaceLease(next)).isTrue();
                    return null;
                }, kept);
                assertThat(FileUploadSessions.open(folder).find(created.id())).as("torn at %s", kept).contains(ack);
                Files.write(file, whole);
            }
            current = ack;
        }
    }

    @Test
    void a_lease_change_is_not_forced_and_an_acknowledgement_is_one_fdatasync() {
        UploadSession created = session();
        sessions.create(created);
        long forces = sessions.forces();
        long folderForces = DurableFiles.folderForces();

        UploadSession locked = taken(created, "i1/r1");
        assertThat(sessions.replaceLease(locked)).isTrue();
        UploadSession asked = locked.withLock(locked.lock().withReleaseRequested(), NOW);
        assertThat(sessions.replaceLease(asked)).isTrue();
        assertThat(sessions.forces()).isEqualTo(forces);

        assertThat(sessions.replace(acknowledged(asked, 10))).isTrue();
        assertThat(sessions.forces()).isEqualTo(forces + 1);
        assertThat(DurableFiles.folderForces()).as("no folder fsync").isEqualTo(folderForces);
    }

    @Test
    void a_session_that_outgrows_its_slots_is_rewritten_whole() {
        UploadSession created = session();
        sessions.create(created);
        long size = fileOf(created).toFile().length();
        UploadSession big = new UploadSession(created.id(), created.revision() + 1, created.length(), 0,
                Map.of("filename", "a.bin", "description", "x".repeat(20_000)), created.concatenation(), created.state(),
                created.fileId(), created.owner(), created.created(), created.expires(), NOW, created.reservation(),
                created.lock(), 0, Optional.empty());

        assertThat(sessions.replace(big)).isTrue();

        assertThat(fileOf(created).toFile().length()).isGreaterThan(size);
        assertThat(FileUploadSessions.open(folder).find(created.id())).contains(big);
        UploadSession locked = taken(big, "i1/r1");
        assertThat(sessions.replaceLease(locked)).isTrue();
        assertThat(FileUploadSessions.open(folder).find(created.id())).contains(locked);
    }

    @Test
    void a_session_of_the_older_layout_is_read_and_moved_at_its_first_change() throws Exception {
        UploadSession created = session();
        Path legacy = folder.resolve(created.id().value() + ".json");
        Files.writeString(legacy, UploadSessionCodec.encode(created), StandardCharsets.UTF_8);

        assertThat(sessions.find(created.id())).contains(created);
        assertThat(sessions.list(10)).containsExactly(created);
        assertThat(sessions.create(created)).as("it exists").isFalse();

        UploadSession locked = taken(created, "i1/r1");
        assertThat(sessions.replaceLease(locked)).isTrue();

        assertThat(legacy).doesNotExist();
        assertThat(FileUploadSessions.open(folder).find(created.id())).contains(locked);
        assertThat(sessions.remove(created.id(), locked.revision())).isTrue();
        assertThat(sessions.find(created.id())).isEmpty();
    }

    @Test
    void a_file_with_no_whole_slot_is_reported_not_taken_for_absent() throws Exception {
        UploadSession created = session();
        sessions.create(created);
        Path file = fileOf(created);
        Files.write(file, new byte[(int) Files.size(file)]);

        assertThatThrownBy(() -> sessions.find(created.id())).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(created.id().value());
    }
}
