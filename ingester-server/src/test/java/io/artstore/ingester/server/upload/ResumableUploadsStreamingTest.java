package io.artstore.ingester.server.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.in.StagedBytes;
import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.upload.Concatenation;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.core.upload.UploadState;
import io.artstore.ingester.server.config.ResumableSettings;
import io.artstore.ingester.storage.embedded.FileUploadSessions;
import io.artstore.ingester.storage.embedded.InMemoryCapacityReservations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PATCH body written on the writer thread with early writeback: every acknowledged offset follows a force that
 * covered it, and the SHA-256 kept between requests is exactly that of the acknowledged bytes, whatever the requests
 * went through (cut off, refused for their checksum, longer than a checkpoint).
 */
class ResumableUploadsStreamingTest {

    private static final Caller OWNER = Caller.anonymous();

    @TempDir
    Path root;

    /** Forces and acknowledgements, in the order they happened. */
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    /** Session writes made durably, and lease changes, which need not be. */
    private final AtomicInteger durableWrites = new AtomicInteger();
    private final AtomicInteger leaseWrites = new AtomicInteger();
    private final AtomicReference<StagedBytes> completed = new AtomicReference<>();
    /** The staged file as the completion found it (it is deleted once the file is stored). */
    private final AtomicReference<byte[]> completedBytes = new AtomicReference<>();
    private StagingArea staging;
    private ResumableUploads uploads;

    @BeforeEach
    void setUp() {
        FileUploadSessions stored = FileUploadSessions.open(root.resolve("sessions"));
        UploadSessions recording = new ForwardingUploadSessions(stored) {
            @Override
            public boolean replace(UploadSession next) {
                long before = stored.find(next.id()).map(UploadSession::offset).orElse(0L);
                if (next.offset() > before) {
                    events.add("ack " + next.offset());
                }
                durableWrites.incrementAndGet();
                return super.replace(next);
            }

            @Override
            public boolean replaceLease(UploadSession next) {
                long before = stored.find(next.id()).map(UploadSession::offset).orElse(0L);
                assertThat(next.offset()).as("a lease change moves no offset").isEqualTo(before);
                leaseWrites.incrementAndGet();
                return super.replaceLease(next);
            }
        };
        ResumableSettings settings = new ResumableSettings(root.resolve("staging"), 0, Duration.ofHours(1),
                Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofHours(1), List.of());
        staging = new StagingArea(settings.stagingDir(), bytes -> events.add("forced " + bytes));
        uploads = new ResumableUploads(recording, staging, new InMemoryCapacityReservations(), settings, 1L << 30,
                "instance-a", Clock.systemUTC(), new ResumableUploads.Completion() {
                    @Override
                    public FileId store(UploadSession session, InputStream content, FileId file) {
                        throw new AssertionError("a single upload is handed over as its staged file");
                    }

                    @Override
                    public FileId store(UploadSession session, StagedBytes content, FileId file) {
                        completed.set(content);
                        try {
                            completedBytes.set(Files.readAllBytes(content.file()));
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                        return file;
                    }
                });
    }

    @AfterEach
    void tearDown() {
        uploads.close();
    }

    @Test
    void the_digest_kept_between_requests_is_that_of_the_acknowledged_bytes() throws Exception {
        byte[] content = new byte[26 * 1024 * 1024 + 7];
        new Random(3).nextBytes(content);
        UploadSession upload = uploads.create(new ResumableUploads.NewUpload(OptionalLong.of(content.length), Map.of(),
                Concatenation.none(), OWNER, Optional.empty()));
        UploadId id = upload.id();

        // An odd size: the last block is partial.
        long offset = patch(id, content, 0, 3_000_017, null).offset();
        // Cut off mid-body: what arrived is acknowledged, and the digest kept stops exactly there.
        assertThatThrownBy(() -> uploads.receive(id, OWNER, chunk(3_000_017, 5_000_000, List.of()),
                new Body(Arrays.copyOfRange(content, 3_000_017, 3_000_017 + 2_500_001), true)))
                .isInstanceOf(IngestException.class).hasMessageContaining("resume from Upload-Offset 5500018");
        offset = uploads.find(id, OWNER).offset();
        assertThat(offset).isEqualTo(5_500_018);
        // Refused for its checksum: nothing of it counts, the digest kept is untouched.
        byte[] wrong = Arrays.copyOfRange(content, (int) offset, (int) offset + 1_234_567);
        ChunkDigest other = new ChunkDigest("Upload-Checksum", "SHA-256", sha256(new byte[] {1}));
        long at = offset;
        assertThatThrownBy(() -> uploads.receive(id, OWNER, chunk(at, wrong.length, List.of(other)),
                new ByteArrayInputStream(wrong))).isInstanceOf(IngestException.class)
                .extracting(e -> ((IngestException) e).code()).isEqualTo(ChunkDigest.CHECKSUM_MISMATCH);
        assertThat(uploads.find(id, OWNER).offset()).isEqualTo(offset);
        // Longer than a checkpoint: acknowledged in the middle of the body too.
        int large = (int) ResumableUploads.CHECKPOINT_BYTES + 3 * 1024 * 1024 + 5;
        offset = patch(id, content, offset, large, null).offset();
        // The rest with its own checksum.
        byte[] rest = Arrays.copyOfRange(content, (int) offset, content.length);
        UploadSession last = patch(id, content, offset, rest.length,
                new ChunkDigest("Upload-Checksum", "SHA-256", sha256(rest)));

        assertThat(last.state()).isEqualTo(UploadState.COMPLETED);
        StagedBytes staged = completed.get();
        assertThat(staged.size()).isEqualTo(content.length);
        assertThat(staged.checksum().hex()).isEqualTo(hex(sha256(content)));
        assertThat(Arrays.equals(completedBytes.get(), 0, content.length, content, 0, content.length)).isTrue();
    }

    @Test
    void an_offset_is_acknowledged_only_after_a_force_that_covered_it() throws Exception {
        byte[] content = new byte[(int) ResumableUploads.CHECKPOINT_BYTES * 2 + 3_333_333];
        new Random(5).nextBytes(content);
        UploadSession upload = uploads.create(new ResumableUploads.NewUpload(OptionalLong.of(content.length), Map.of(),
                Concatenation.none(), OWNER, Optional.empty()));
        // One body crossing two checkpoints, then one ending the upload.
        long offset = patch(upload.id(), content, 0, content.length - 1_000_001, null).offset();
        patch(upload.id(), content, offset, 1_000_001, null);

        List<String> seen = List.copyOf(events);
        long durable = 0;
        int acks = 0;
        for (String event : seen) {
            long bytes = Long.parseLong(event.substring(event.indexOf(' ') + 1));
            if (event.startsWith("forced")) {
                durable = Math.max(durable, bytes);
            } else {
                acks++;
                assertThat(bytes).as("acknowledged with %s bytes forced: %s", durable, seen).isLessThanOrEqualTo(durable);
            }
        }
        assertThat(acks).as("two checkpoints and two ends of a body: " + seen).isGreaterThanOrEqualTo(4);
    }

    @Test
    void a_patch_takes_its_lock_as_a_lease_and_writes_the_session_durably_once_to_acknowledge() throws Exception {
        byte[] content = new byte[6 * 1024 * 1024];
        new Random(5).nextBytes(content);
        UploadSession upload = uploads.create(new ResumableUploads.NewUpload(OptionalLong.of(2L * content.length), Map.of(),
                Concatenation.none(), OWNER, Optional.empty()));
        int durable = durableWrites.get();
        int leases = leaseWrites.get();

        UploadSession after = patch(upload.id(), content, 0, content.length, null);

        assertThat(after.offset()).isEqualTo(content.length);
        assertThat(durableWrites.get() - durable).as("the acknowledgement").isEqualTo(1);
        assertThat(leaseWrites.get() - leases).as("taking the lock").isEqualTo(1);
        assertThat(events).containsSubsequence("forced " + content.length, "ack " + content.length);
        assertThat(after.lock().isHeld(Clock.systemUTC().instant())).as("let go with the acknowledgement").isFalse();
    }

    private UploadSession patch(UploadId id, byte[] content, long offset, int length, ChunkDigest digest) {
        byte[] body = Arrays.copyOfRange(content, (int) offset, (int) offset + length);
        return uploads.receive(id, OWNER, chunk(offset, length, digest == null ? List.of() : List.of(digest)),
                new Body(body, false));
    }

    private static ResumableUploads.Chunk chunk(long offset, long length, List<ChunkDigest> digests) {
        return new ResumableUploads.Chunk(offset, OptionalLong.empty(), OptionalLong.of(length), digests);
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** Hands out at most 8 KiB a read, as a servlet body does; then ends, or breaks as a cut connection does. */
    private static final class Body extends InputStream {
        private final byte[] bytes;
        private final boolean cut;
        private int position;

        Body(byte[] bytes, boolean cut) {
            this.bytes = bytes;
            this.cut = cut;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position == bytes.length) {
                if (cut) {
                    throw new IOException("connection reset");
                }
                return -1;
            }
            int n = Math.min(Math.min(len, 8192), bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return Math.min(bytes.length - position, 8192);
        }
    }
}
