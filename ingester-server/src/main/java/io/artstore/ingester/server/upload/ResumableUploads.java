package io.artstore.ingester.server.upload;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.CapacityReservations.Reservation;
import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.upload.Concatenation;
import io.artstore.ingester.core.port.in.StagedBytes;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadLock;
import io.artstore.ingester.core.upload.UploadReservation;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.core.upload.UploadState;
import io.artstore.ingester.server.config.ResumableSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable uploads: sessions shared through {@link UploadSessions}, bytes in the {@link StagingArea}, the file
 * stored by the add saga once every byte has arrived.
 *
 * <p>Locks: a request that writes (PATCH) takes the session's lock with a new fencing token and a lease, and renews
 * the lease as bytes arrive. A request that finds the lock held asks the holder to let go (a flag in the session;
 * at once when the holder runs on this instance) and waits up to {@code lock_wait}; then it takes the lock over,
 * whatever the old lease says, so an upload never stays locked by a connection that stalled. The old request
 * notices its fencing token is gone before its next write and stops; its unacknowledged bytes are dropped.
 *
 * <p>Durability: the staged file is forced to disk before an offset is written to the session, so every
 * acknowledged byte survives a crash. Bytes past the acknowledged offset are overwritten by the next request.
 */
public final class ResumableUploads implements AutoCloseable {

    /** The staging area's reservations are kept under this name beside the storage elements'. */
    public static final StorageElementId STAGING = StorageElementId.of("upload-staging");
    /** Space reserved at a time for an upload whose length is deferred. */
    static final long GROWTH_STEP = 64L * 1024 * 1024;
    /** Without a per-request checksum, received bytes are acknowledged at least this often, so progress shows. */
    static final long CHECKPOINT_BYTES = 16L * 1024 * 1024;
    private static final int BUFFER_BYTES = 1024 * 1024;
    /** The least of a block handed on to be written before it is full, when the body has no more bytes ready. */
    static final int PARTIAL_BLOCK_BYTES = 256 * 1024;
    /**
     * How often a request waiting for a lock re-reads the session when nothing changed it on this instance: the
     * holder may run on another instance, whose changes are not signalled here.
     */
    static final Duration REMOTE_LOCK_POLL = Duration.ofMillis(100);
    /** How often a writing request re-reads its session to learn whether it was taken over on another instance. */
    private static final Duration FENCE_CHECK_INTERVAL = Duration.ofMillis(100);
    private static final int SWEEP_BATCH = 100;
    private static final int LIST_LIMIT = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(ResumableUploads.class);
    /** The code of an add that neither finished nor was undone: saga recovery ends it. */
    private static final String SAGA_PENDING = "saga_pending";

    /** Stores a completed upload's content as a file (the add saga); throws {@link IngestException} on refusal. */
    @FunctionalInterface
    public interface Completion {

        /** Where the add storing a file stands. */
        enum Outcome {
            /** No add of the file was ever begun. */
            NOT_STARTED,
            /** Its add is being run or recovered. */
            RUNNING,
            /** The file is stored. */
            STORED,
            /** Its add was undone; nothing of the file is stored. */
            UNDONE,
            /** Cannot be told. */
            UNKNOWN
        }

        /** Stores the upload's content as the file {@code file}. */
        FileId store(UploadSession session, InputStream content, FileId file);

        /**
         * Stores an upload whose content is one staged file, whose checksum is known: an element on the same file
         * system may take the file without a copy. The file is only read or linked.
         */
        default FileId store(UploadSession session, StagedBytes content, FileId file) {
            try (InputStream in = Files.newInputStream(content.file())) {
                return store(session, in, file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + content.file(), e);
            }
        }

        /** How the add of {@code file} ended, or that it did not yet, as known from any instance. */
        default Outcome outcome(FileId file) {
            return Outcome.UNKNOWN;
        }
    }

    /** The SHA-256 of an upload's first {@code offset} bytes, as this instance received and acknowledged them. */
    private record WholeDigest(long offset, TrailingDigest digest) {}

    /** What creating an upload needs. {@code hold} is released when the upload ends (e.g. space held on an element). */
    public record NewUpload(OptionalLong length, Map<String, String> metadata, Concatenation concatenation, Caller owner,
            Optional<AutoCloseable> hold) {

        public NewUpload {
            Objects.requireNonNull(length, "length");
            Objects.requireNonNull(metadata, "metadata");
            Objects.requireNonNull(concatenation, "concatenation");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(hold, "hold");
        }
    }

    /** One PATCH's body and what it says about itself. */
    public record Chunk(long offset, OptionalLong declaredLength, OptionalLong contentLength, List<ChunkDigest> digests) {

        public Chunk {
            Objects.requireNonNull(declaredLength, "declaredLength");
            Objects.requireNonNull(contentLength, "contentLength");
            digests = List.copyOf(digests);
        }
    }

    private final SignallingUploadSessions sessions;
    private final StagingArea staging;
    private final CapacityReservations reservations;
    private final ResumableSettings settings;
    private final long maxBytes;
    private final String instanceId;
    private final Clock clock;
    private final Completion completion;
    /** Staging reservations this instance made, by upload. */
    private final Map<UploadId, Reservation> held = new ConcurrentHashMap<>();
    /** What each upload created here holds until it ends. */
    private final Map<UploadId, AutoCloseable> holds = new ConcurrentHashMap<>();
    /** Release requests for the requests writing on this instance, by holder. */
    private final Map<String, AtomicBoolean> releaseAsked = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    /** Renews the completing sessions of this instance, and stores again uploads whose completer stopped. */
    private final ScheduledExecutorService completions;
    /** Uploads whose file this instance is storing now: never taken for abandoned here. */
    private final Set<UploadId> completingHere = ConcurrentHashMap.newKeySet();
    /**
     * By upload, the digest of the bytes acknowledged by requests on this instance, so that completion need not read
     * them back; absent when they were received elsewhere (completion then reads what it lacks).
     */
    private final Map<UploadId, WholeDigest> wholeDigests = new ConcurrentHashMap<>();

    /**
     * @param maxBytes the largest upload accepted ({@code Tus-Max-Size})
     * @param instanceId names this instance in lock holders
     */
    public ResumableUploads(UploadSessions sessions, StagingArea staging, CapacityReservations reservations,
            ResumableSettings settings, long maxBytes, String instanceId, Clock clock, Completion completion) {
        this.sessions = new SignallingUploadSessions(Objects.requireNonNull(sessions, "sessions"));
        this.staging = Objects.requireNonNull(staging, "staging");
        this.reservations = Objects.requireNonNull(reservations, "reservations");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.maxBytes = maxBytes;
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.completion = Objects.requireNonNull(completion, "completion");
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "upload-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        this.completions = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "upload-completions");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts deleting expired uploads every {@code sweep_interval}. */
    public ResumableUploads start() {
        long every = settings.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                LOG.warn("deleting expired uploads failed; trying again in {} ms: {}", every, e.getMessage(), e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        completions.shutdownNow();
    }

    /** The largest upload accepted. */
    public long maxBytes() {
        return settings.stagingMaxBytes() > 0 ? Math.min(maxBytes, settings.stagingMaxBytes()) : maxBytes;
    }

    public ResumableSettings settings() {
        return settings;
    }

    // --- creation ---

    /**
     * Creates an upload. A known length is reserved in the staging area at once, so an upload that cannot fit is
     * refused before a byte is sent.
     */
    public UploadSession create(NewUpload upload) {
        Instant now = clock.instant();
        UploadId id = UploadId.random();
        Optional<Reservation> reservation = Optional.empty();
        try {
            if (upload.length().isPresent()) {
                checkSize(upload.length().getAsLong());
                if (!upload.concatenation().isFinal() && upload.length().getAsLong() > 0) {
                    reservation = Optional.of(reserve(upload.length().getAsLong(), upload.length().getAsLong() + " bytes"));
                }
            }
            UploadSession session = UploadSession.start(id, upload.length(), upload.metadata(), upload.concatenation(),
                    upload.owner(), now, now.plus(settings.expiresAfter()),
                    new UploadReservation(reservation.map(Reservation::reservedBytes).orElse(0L), Optional.empty()));
            if (!sessions.create(session)) {
                throw new IllegalStateException("a random upload id was taken: " + id);
            }
            reservation.ifPresent(r -> held.put(id, r));
            upload.hold().ifPresent(h -> holds.put(id, h));
            return session;
        } catch (RuntimeException e) {
            reservation.ifPresent(Reservation::close);
            upload.hold().ifPresent(ResumableUploads::closeQuietly);
            throw e;
        }
    }

    /**
     * Creates the final upload of a concatenation; it completes as soon as all its parts have (at once when they
     * already have).
     */
    public UploadSession createFinal(List<UploadId> parts, Map<String, String> metadata, Caller owner, Optional<AutoCloseable> hold) {
        long total = 0;
        boolean known = true;
        for (UploadId part : parts) {
            UploadSession session = sessions.find(part).filter(s -> mayUse(s, owner))
                    .orElseThrow(() -> IngestException.invalid("invalid_concat_part", "partial upload " + part
                            + " does not exist (or has expired); create the parts with Upload-Concat: partial first"));
            if (!session.concatenation().isPartial()) {
                throw IngestException.invalid("invalid_concat_part", "upload " + part + " is not a partial upload;"
                        + " only uploads created with Upload-Concat: partial can be concatenated");
            }
            if (session.length().isEmpty()) {
                known = false;
            } else {
                total += session.length().getAsLong();
            }
        }
        UploadSession created = create(new NewUpload(known ? OptionalLong.of(total) : OptionalLong.empty(), metadata,
                Concatenation.finalOf(parts), owner, hold));
        return completeIfReady(created).orElse(created);
    }

    private Reservation reserve(long bytes, String what) {
        return reservations.tryReserve(STAGING, bytes, available()).orElseThrow(() -> new IngestException(
                Kind.INSUFFICIENT_STORAGE, "insufficient_storage", "the staging area has no room for " + what
                        + " beside the uploads in flight; try again later or send a smaller file"));
    }

    /** What the staging area can still take: its folder's free space, within {@code staging_max_size}. */
    private long available() {
        long usable = staging.usableBytes();
        if (settings.stagingMaxBytes() > 0) {
            return Math.max(0, Math.min(usable, settings.stagingMaxBytes() - staging.stagedBytes()));
        }
        return usable;
    }

    private void checkSize(long bytes) {
        if (bytes > maxBytes()) {
            throw new IngestException(Kind.TOO_LARGE, "file_too_large", "the upload would have " + bytes
                    + " bytes, more than the maximum of " + maxBytes() + " bytes");
        }
    }

    // --- reading ---

    /** The session, if it exists, is not expired and belongs to {@code caller}. */
    public UploadSession find(UploadId id, Caller caller) {
        UploadSession session = sessions.find(id).filter(s -> mayUse(s, caller)).orElseThrow(() -> notFound(id));
        if (!session.state().isFinished() && session.isExpiredAt(clock.instant())) {
            throw new IngestException(Kind.NOT_FOUND, "upload_expired", "upload " + id + " has expired; start it again");
        }
        return settleIfAbandoned(session);
    }

    /**
     * A completing upload whose completer stopped renewing it (its instance stopped mid-saga) is settled by how its add
     * ended: completed when the file is stored, stored again from its staged bytes when the add was undone or never
     * began, left completing while saga recovery still drives the add.
     */
    private UploadSession settleIfAbandoned(UploadSession session) {
        Instant now = clock.instant();
        if (session.state() != UploadState.COMPLETING || completingHere.contains(session.id())
                || session.updated().plus(abandonedAfter()).isAfter(now)) {
            return session;
        }
        Optional<FileId> file = session.fileId();
        Completion.Outcome outcome = file.map(completion::outcome).orElse(Completion.Outcome.NOT_STARTED);
        switch (outcome) {
            case STORED -> {
                UploadSession done = session.completed(file.orElseThrow(), now, now.plus(settings.expiresAfter()));
                if (sessions.replace(done)) {
                    LOG.info("upload {}: the instance storing it stopped; its add finished, file {}", session.id(), file.get());
                    cleanUpStored(done);
                    return done;
                }
                return sessions.find(session.id()).orElse(session);
            }
            case NOT_STARTED, UNDONE -> {
                UploadSession again = session.completing(FileId.random(), now);
                if (sessions.replace(again)) {
                    LOG.info("upload {}: the instance storing it stopped and its add was {}; storing it again as file {}",
                            session.id(), outcome == Completion.Outcome.UNDONE ? "undone" : "never begun",
                            again.fileId().orElseThrow());
                    completingHere.add(again.id());
                    try {
                        completions.execute(() -> {
                            try {
                                store(again);
                            } catch (RuntimeException e) {
                                LOG.warn("upload {}: storing it again failed: {}", again.id(), e.getMessage());
                            }
                        });
                    } catch (RuntimeException e) {
                        completingHere.remove(again.id()); // stopping: another instance or a restart settles it
                    }
                    return again;
                }
                return sessions.find(session.id()).orElse(session);
            }
            default -> {
                return session; // recovery still drives the add: asked again at the next look
            }
        }
    }

    /** How long a completing session goes unrenewed before its completer is taken for stopped. */
    private Duration abandonedAfter() {
        return settings.lockLease().multipliedBy(3);
    }

    /**
     * The session for {@code HEAD}: when a request holds it, that request is asked to let go first (or taken over
     * after the wait), so that the offset answered does not move under the client.
     */
    public UploadSession head(UploadId id, Caller caller) {
        UploadSession session = find(id, caller);
        if (session.lock().isHeld(clock.instant())) {
            Held lock = acquire(id, caller);
            session = release(lock).orElseGet(() -> find(id, caller));
        }
        // Every byte staged but the file not stored (its last try failed for a reason that passes): try again now.
        UploadSession seen = session;
        return completeIfReady(session).orElseGet(() -> sessions.find(id).orElse(seen));
    }

    /** Sessions for progress reports, most recently changed first; all callers' when {@code caller} is empty. */
    public List<UploadSession> list(Optional<Caller> caller) {
        return sessions.list(LIST_LIMIT).stream().filter(s -> caller.map(c -> mayUse(s, c)).orElse(true)).toList();
    }

    public Instant now() {
        return clock.instant();
    }

    /** Changes made to sessions on this instance so far; read before a session, then given to {@link #awaitChange}. */
    public long changes() {
        return sessions.changes();
    }

    /**
     * Waits until this instance changes a session after {@code seen} changes, or until {@code deadline} (system time):
     * a progress stream wakes at a change made here, and re-reads at its own interval for changes made elsewhere.
     */
    public boolean awaitChange(long seen, Instant deadline) throws InterruptedException {
        return sessions.awaitChange(seen, deadline);
    }

    private static boolean mayUse(UploadSession session, Caller caller) {
        return session.owner().subject().equals(caller.subject());
    }

    private static IngestException notFound(UploadId id) {
        return new IngestException(Kind.NOT_FOUND, "upload_not_found", "no upload " + id + "; it was never created,"
                + " was terminated, or expired");
    }

    // --- termination ---

    /** Deletes the upload and its staged bytes, taking the lock over from a request that holds it. */
    public void terminate(UploadId id, Caller caller) {
        Held lock = acquire(id, caller);
        try {
            UploadSession current = lock.session;
            while (!sessions.remove(id, current.revision())) {
                current = sessions.find(id).orElseThrow(() -> notFound(id));
                if (current.lock().fencingToken() != lock.token) {
                    throw takenOver(id);
                }
            }
            lock.released = true;
            cleanUp(current);
        } finally {
            release(lock);
        }
    }

    // --- sweeping ---

    /** Deletes what has expired: unfinished uploads with their staged bytes and space, and finished ones' outcomes. */
    public int sweep() {
        Instant now = clock.instant();
        int deleted = 0;
        for (UploadSession session : sessions.expiredAt(now, SWEEP_BATCH)) {
            if (session.lock().isHeld(now)) {
                continue; // a request is still writing: its lease ends soon, or it extends the expiry
            }
            if (sessions.remove(session.id(), session.revision())) {
                cleanUp(session);
                deleted++;
                if (!session.state().isFinished()) {
                    LOG.info("upload {} expired at {} with {} of {} bytes; deleted with its staged bytes", session.id(),
                            session.expires(), session.offset(), session.length().isPresent() ? session.length().getAsLong() : "?");
                }
            }
        }
        return deleted;
    }

    private void cleanUp(UploadSession session) {
        try {
            staging.delete(session.id());
        } catch (UncheckedIOException e) {
            LOG.warn("cannot delete the staged bytes of upload {}: {}", session.id(), e.getMessage());
        }
        releaseSpace(session.id());
    }

    private void releaseSpace(UploadId id) {
        countedFrom.remove(id);
        wholeDigests.remove(id);
        Reservation reservation = held.remove(id);
        if (reservation != null) {
            reservation.close();
        }
        AutoCloseable hold = holds.remove(id);
        if (hold != null) {
            closeQuietly(hold);
        }
    }

    /** Bytes reserved in the staging area and not yet staged, over the uploads of every instance sharing it. */
    public long stagingReservedBytes() {
        return reservations.outstandingBytes(STAGING);
    }

    // --- receiving ---

    /**
     * Receives one PATCH body. Returns the session after it; when the last byte arrived, after the file was stored.
     *
     * @throws IngestException {@code checksum_mismatch} when the body does not match a checksum sent with it;
     *     nothing of it is kept
     * @throws IngestException 409 when the offset is not the upload's, 413 / 507 before bytes that would not fit
     */
    public UploadSession receive(UploadId id, Caller caller, Chunk chunk, InputStream body) {
        Held lock = acquire(id, caller);
        try {
            UploadSession session = lock.session;
            if (session.state() != UploadState.RECEIVING || session.concatenation().isFinal()) {
                throw new IngestException(Kind.CONFLICT, "upload_not_receiving", session.concatenation().isFinal()
                        ? "upload " + id + " is the final upload of a concatenation; send bytes to its partial uploads"
                        : "upload " + id + " takes no more bytes: it is " + session.state().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (chunk.offset() != session.offset()) {
                throw new IngestException(Kind.CONFLICT, "offset_mismatch", "Upload-Offset " + chunk.offset()
                        + " is not the upload's offset, " + session.offset() + "; ask HEAD for the offset and resume from it");
            }
            if (chunk.declaredLength().isPresent()) {
                session = declareLength(lock, chunk.declaredLength().getAsLong());
            }
            if (session.length().isPresent() && chunk.contentLength().isPresent()
                    && chunk.contentLength().getAsLong() > session.length().getAsLong() - session.offset()) {
                throw IngestException.invalid("upload_length_exceeded", "the body has " + chunk.contentLength().getAsLong()
                        + " bytes but only " + (session.length().getAsLong() - session.offset()) + " are left of the upload");
            }
            session = stream(lock, session, chunk, body);
            if (session.isFullyReceived()) {
                if (session.concatenation().isPartial()) {
                    completeFinalsWaitingFor(session);
                    return session;
                }
                return completeIfReady(session).orElse(session);
            }
            return session;
        } finally {
            release(lock); // nothing to do when the last acknowledgement let go already
        }
    }

    private UploadSession declareLength(Held lock, long length) {
        UploadSession session = lock.session;
        if (session.length().isPresent()) {
            if (session.length().getAsLong() != length) {
                throw IngestException.invalid("upload_length_fixed", "the upload's length is " + session.length().getAsLong()
                        + " already; Upload-Length " + length + " cannot change it");
            }
            return session;
        }
        if (length < session.offset()) {
            throw IngestException.invalid("invalid_upload_length", "Upload-Length " + length + " is less than the "
                    + session.offset() + " bytes received");
        }
        checkSize(length);
        return update(lock, current -> current.withLength(length, clock.instant()));
    }

    private UploadSession stream(Held lock, UploadSession start, Chunk chunk, InputStream body) {
        UploadId id = start.id();
        boolean checked = !chunk.digests().isEmpty();
        List<MessageDigest> digests = chunk.digests().stream().map(ChunkDigest::start).toList();
        long began = System.nanoTime();
        Instant lastRenewal = clock.instant();
        Instant lastFenceCheck = lastRenewal;
        Duration renewEvery = settings.lockLease().dividedBy(3);
        UploadSession session = start;
        if (chunk.contentLength().isPresent() && chunk.contentLength().getAsLong() > 0) {
            // A body of known length that cannot fit is refused before any of it is read.
            long end = start.offset() + chunk.contentLength().getAsLong();
            checkSize(end);
            ensureRoom(lock, start, end);
        }
        Optional<TrailingDigest> whole = wholeDigestAt(id, start.offset());
        long bodyEnd = chunk.contentLength().isPresent() ? start.offset() + chunk.contentLength().getAsLong() : -1;
        AtomicBoolean letGo = releaseAsked.get(lock.holder);
        long forcing = 0;
        long sessionWrites = 0;
        // The writer stops before the file closes: try-with-resources closes in reverse order.
        try (StagingArea.Writer file = staging.openAt(id, start.offset()); ChunkWriter writer = new ChunkWriter(file, digests, whole)) {
            long position = start.offset();
            long sinceCheckpoint = 0;
            boolean cut = false;
            boolean ended = false;
            while (!cut && !ended && !letGo.get()) {
                // A block is filled from the body's reads (a few KiB each), but handed on at least every check interval,
                // so that the lease is renewed and a take-over seen while bytes trickle in, and once it holds a large
                // write's worth when no more bytes are ready.
                byte[] block = writer.block();
                int filled = 0;
                long blockStarted = System.nanoTime();
                while (filled < block.length) {
                    int n;
                    try {
                        n = body.read(block, filled, block.length - filled);
                    } catch (IOException e) {
                        cut = true;
                        LOG.debug("upload {}: the request ended early: {}", id, e.getMessage());
                        break;
                    }
                    if (n < 0) {
                        ended = true;
                        break;
                    }
                    if (letGo.get()) {
                        break; // asked to let go: what this read brought is not kept
                    }
                    filled += n;
                    if (System.nanoTime() - blockStarted >= FENCE_CHECK_INTERVAL.toNanos()
                            || filled >= PARTIAL_BLOCK_BYTES && availableIn(body) == 0) {
                        break; // nothing more arrived yet: what did is written rather than held while the client pauses
                    }
                }
                if (filled == 0) {
                    writer.write(block, 0);
                    continue;
                }
                long end = position + filled;
                if (session.length().isPresent() && end > session.length().getAsLong()) {
                    throw IngestException.invalid("upload_length_exceeded", "the body goes past the upload's length of "
                            + session.length().getAsLong() + " bytes");
                }
                checkSize(end);
                Instant now = clock.instant();
                if (Duration.between(lastFenceCheck, now).compareTo(FENCE_CHECK_INTERVAL) >= 0) {
                    checkFence(lock);
                    lastFenceCheck = now;
                }
                try {
                    ensureRoom(lock, session, end);
                } catch (IngestException e) {
                    writer.truncate(session.offset());
                    throw e;
                }
                writer.write(block, filled);
                position = end;
                sinceCheckpoint += filled;
                // At the body's last byte the acknowledgement after the loop does it all: one fdatasync, one write.
                boolean bodyEnded = position == bodyEnd;
                if (!bodyEnded && (Duration.between(lastRenewal, now).compareTo(renewEvery) >= 0
                        || (!checked && sinceCheckpoint >= CHECKPOINT_BYTES))) {
                    long acknowledged = checked ? session.offset() : position;
                    if (!checked) {
                        long forceStarted = System.nanoTime();
                        writer.force();
                        forcing += System.nanoTime() - forceStarted;
                    }
                    double rate = rate(position - start.offset(), began);
                    long writeStarted = System.nanoTime();
                    // With a checksum the offset stays: only the lease is renewed, which need not be durable.
                    session = update(lock, current -> current.withOffset(acknowledged, rate,
                            current.lock().renewedUntil(clock.instant().plus(settings.lockLease())), clock.instant()), !checked);
                    sessionWrites += System.nanoTime() - writeStarted;
                    written(id, acknowledged);
                    if (!checked) {
                        keepWholeDigest(id, acknowledged, whole); // forced, so drained: every byte is handed to it
                    }
                    lastRenewal = now;
                    lastFenceCheck = now;
                    sinceCheckpoint = 0;
                    if (session.lock().releaseRequested()) {
                        break;
                    }
                }
            }
            boolean handOver = letGo.get() || session.lock().releaseRequested();
            if (!cut && !handOver && !digests.isEmpty()) {
                writer.drain();
                for (int i = 0; i < digests.size(); i++) {
                    try {
                        chunk.digests().get(i).check(digests.get(i));
                    } catch (IngestException e) {
                        writer.truncate(session.offset());
                        throw e;
                    }
                }
            }
            if ((cut || handOver) && checked) {
                // A checked chunk counts only whole: what arrived of it is dropped.
                writer.truncate(session.offset());
                return releaseOrThrow(lock, cut, handOver);
            }
            long received = System.nanoTime();
            writer.force();
            long forced = System.nanoTime();
            forcing += forced - received;
            long acknowledged = position;
            double rate = rate(acknowledged - start.offset(), began);
            session = update(lock, current -> current.advanced(acknowledged, rate, current.lock().released(),
                    clock.instant().plus(settings.expiresAfter()), clock.instant()));
            sessionWrites += System.nanoTime() - forced;
            written(id, acknowledged);
            keepWholeDigest(id, acknowledged, whole);
            lock.released = true;
            LOG.debug("upload {}: {} bytes to offset {} in {} ms: receiving {} ms, forcing {} ms, session writes {} ms"
                    + " (taking the lock before: {} ms)", id, acknowledged - start.offset(), acknowledged,
                    millis(System.nanoTime() - began), millis(received - began), millis(forcing), millis(sessionWrites),
                    millis(lock.takingNanos));
            if (cut) {
                throw new IngestException(Kind.CLIENT_ABORTED, "upload_interrupted", "the request ended before its body"
                        + " was complete; " + acknowledged + " bytes are kept: resume from Upload-Offset " + acknowledged);
            }
            if (handOver) {
                throw takenOver(id);
            }
            return session;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the bytes of upload " + id + " in " + staging.folder(), e);
        }
    }

    private static int availableIn(InputStream body) {
        try {
            return body.available();
        } catch (IOException e) {
            return 0; // the next read reports it
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** A digest to continue at {@code offset}: the one kept here for it, a new one at 0, else none. */
    private Optional<TrailingDigest> wholeDigestAt(UploadId id, long offset) {
        WholeDigest kept = wholeDigests.get(id);
        if (kept != null && kept.offset() == offset) {
            return Optional.of(kept.digest().fork());
        }
        return offset == 0 ? Optional.of(TrailingDigest.sha256()) : Optional.empty();
    }

    /**
     * Keeps a fork of the request's digest as of {@code offset}, as the request's goes on with bytes that are not
     * acknowledged yet; called once the writer is drained, so that every byte up to {@code offset} is handed to it.
     */
    private void keepWholeDigest(UploadId id, long offset, Optional<TrailingDigest> digest) {
        digest.ifPresent(d -> wholeDigests.put(id, new WholeDigest(offset, d.fork())));
    }

    /**
     * The SHA-256 of the upload's first {@code length} staged bytes: from the digest kept while they arrived, reading
     * back only what it lacks (all of them when they arrived on another instance).
     */
    private Sha256 wholeChecksum(UploadId id, long length) throws IOException {
        // A copy: a completion that fails for now is tried again, with the same digest as its start.
        WholeDigest kept = wholeDigests.get(id);
        Optional<MessageDigest> copy = kept != null && kept.offset() <= length ? kept.digest().snapshot() : Optional.empty();
        MessageDigest digest = copy.orElseGet(TrailingDigest::newSha256);
        long position = copy.isPresent() ? kept.offset() : 0;
        if (position < length) {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
            try (FileChannel channel = FileChannel.open(staging.file(id), StandardOpenOption.READ)) {
                while (position < length) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
                    int n = channel.read(buffer, position);
                    if (n < 0) {
                        throw new IOException("the staged bytes of upload " + id + " end at " + position + ", before "
                                + length);
                    }
                    digest.update(buffer.array(), 0, n);
                    position += n;
                }
            }
        }
        return Sha256.of(digest.digest());
    }

    private UploadSession releaseOrThrow(Held lock, boolean cut, boolean handOver) {
        release(lock);
        if (handOver) {
            throw takenOver(lock.session.id());
        }
        throw new IngestException(Kind.CLIENT_ABORTED, "upload_interrupted", "the request ended before its body was"
                + " complete; a chunk sent with a checksum counts only whole, so none of it was kept");
    }

    private static double rate(long bytes, long beganNanos) {
        double seconds = (System.nanoTime() - beganNanos) / 1e9;
        return seconds <= 0 ? 0 : bytes / seconds;
    }

    /** Refuses, before they are written, bytes past what the staging area can take. */
    private void ensureRoom(Held lock, UploadSession session, long end) {
        Reservation reservation = held.get(session.id());
        if (reservation == null) {
            checkFence(lock); // an upload that ended meanwhile must not reserve anew
            // Created on another instance or before a restart: reserve what is left here, counted from the offset.
            long wanted = session.length().isPresent() ? session.length().getAsLong() - session.offset()
                    : Math.max(end - session.offset(), Math.min(GROWTH_STEP, available() - reservations.outstandingBytes(STAGING)));
            reservation = reserve(wanted, session.length().isPresent() ? "the " + wanted + " bytes left of the upload"
                    : wanted + " more bytes");
            countedFrom.put(session.id(), session.offset());
            held.put(session.id(), reservation);
        }
        long needed = end - countedFrom.getOrDefault(session.id(), 0L);
        if (needed <= reservation.reservedBytes()) {
            return;
        }
        if (!reservation.tryExtend(Math.max(GROWTH_STEP, needed - reservation.reservedBytes()), available())
                && !reservation.tryExtend(needed - reservation.reservedBytes(), available())) {
            throw new IngestException(Kind.INSUFFICIENT_STORAGE, "insufficient_storage", "the staging area has no room"
                    + " for more of this upload (" + end + " bytes); the bytes acknowledged before are kept");
        }
    }

    /** By upload, the offset at which this instance's reservation began (absent: at creation, offset 0). */
    private final Map<UploadId, Long> countedFrom = new ConcurrentHashMap<>();

    private void written(UploadId id, long offset) {
        Reservation reservation = held.get(id);
        if (reservation != null) {
            reservation.written(Math.max(0, offset - countedFrom.getOrDefault(id, 0L)));
        }
    }

    // --- completion ---

    /** Stores the file when every byte has arrived and nobody completes it yet; the session after, if it did. */
    private Optional<UploadSession> completeIfReady(UploadSession session) {
        UploadSession current = session;
        while (true) {
            if (current.state() != UploadState.RECEIVING || !ready(current)) {
                return Optional.empty();
            }
            UploadSession completing = current.completing(FileId.random(), clock.instant());
            if (sessions.replace(completing)) {
                return Optional.of(store(completing));
            }
            Optional<UploadSession> reread = sessions.find(current.id());
            if (reread.isEmpty()) {
                return Optional.empty();
            }
            current = reread.get();
        }
    }

    private boolean ready(UploadSession session) {
        if (session.concatenation().isPartial()) {
            return false;
        }
        if (!session.concatenation().isFinal()) {
            return session.isFullyReceived();
        }
        for (UploadId part : session.concatenation().parts()) {
            Optional<UploadSession> found = sessions.find(part);
            if (found.isEmpty() || !found.get().isFullyReceived()) {
                return false;
            }
        }
        return true;
    }

    private void completeFinalsWaitingFor(UploadSession part) {
        for (UploadSession candidate : sessions.list(LIST_LIMIT)) {
            if (candidate.concatenation().isFinal() && candidate.state() == UploadState.RECEIVING
                    && candidate.concatenation().parts().contains(part.id())) {
                completeIfReady(candidate);
            }
        }
    }

    private UploadSession store(UploadSession completing) {
        UploadId id = completing.id();
        List<UploadId> parts = completing.concatenation().isFinal() ? completing.concatenation().parts() : List.of(id);
        List<Long> lengths = new ArrayList<>();
        for (UploadId part : parts) {
            lengths.add(part.equals(id) ? completing.length().orElseThrow()
                    : sessions.find(part).orElseThrow(() -> notFound(part)).length().orElseThrow());
        }
        // The element's space was held for the upload; the saga reserves it again as it stores.
        AutoCloseable hold = holds.remove(id);
        if (hold != null) {
            closeQuietly(hold);
        }
        FileId file = completing.fileId().orElseThrow(() -> new IllegalStateException("completing without a file id"));
        completingHere.add(id);
        ScheduledFuture<?> renewal = renewWhileCompleting(id, file);
        try {
            if (parts.size() == 1) {
                long length = lengths.get(0);
                file = completion.store(completing, new StagedBytes(staging.file(id), length, wholeChecksum(id, length)), file);
            } else {
                try (InputStream content = staging.read(parts, lengths)) {
                    file = completion.store(completing, content, file);
                }
            }
        } catch (IOException | RuntimeException e) {
            renewal.cancel(false);
            completingHere.remove(id);
            String reason = e instanceof IngestException ingest ? ingest.code() + ": " + ingest.getMessage() : e.toString();
            if (e instanceof IngestException ingest && SAGA_PENDING.equals(ingest.code())) {
                // The add may still finish: the upload stays completing with its file id, and is settled by the saga's
                // outcome (stored, or stored again from the staged bytes) once no longer renewed.
                LOG.warn("upload {}: the add of file {} is left to saga recovery; the upload waits for its outcome", id, file);
                settleLater(id);
                throw new IngestException(Kind.UNAVAILABLE, SAGA_PENDING, "upload " + id + " has all its bytes; the add"
                        + " of its file " + file + " is being finished or undone in the background: ask GET or HEAD later"
                        + " for the stored file (an undone add is stored again from the staged bytes)", e);
            }
            if (e instanceof IngestException ingest && passes(ingest)) {
                // Nothing is lost: every byte stays staged, and the next HEAD or empty PATCH at the end stores it again.
                try {
                    boolean kept = changeIf(id, current -> current.state() == UploadState.COMPLETING
                            && current.fileId().equals(completing.fileId()), current -> current.completionFailed(reason,
                                    clock.instant(), clock.instant().plus(settings.expiresAfter())));
                    LOG.warn("upload {}: storing it failed for now ({}); {}", id, reason, kept
                            ? "its bytes stay staged for a retry" : "the upload changed meanwhile");
                } catch (RuntimeException unwritten) {
                    // Left completing with a file id whose add was undone: settled, and stored again, as a stopped one.
                    LOG.warn("upload {}: storing it failed for now ({}) and so did writing that down ({}); it is settled"
                            + " from the saga log later", id, reason, unwritten.getMessage());
                    settleLater(id);
                }
                throw ingest;
            }
            change(id, current -> current.failed(reason, clock.instant(), clock.instant().plus(settings.expiresAfter())));
            staging.delete(id);
            releaseSpace(id);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot read the staged bytes of upload " + id, io);
            }
            throw (RuntimeException) e;
        }
        renewal.cancel(false);
        FileId stored = file;
        UploadSession done = change(id, current -> current.completed(stored, clock.instant(), clock.instant().plus(settings.expiresAfter())));
        completingHere.remove(id);
        cleanUpStored(done);
        LOG.info("upload {} completed as file {}", id, file);
        return done;
    }

    /** Failures after which the same completion may succeed: an element unreachable, busy or full, a store down. */
    private static boolean passes(IngestException e) {
        return e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.INSUFFICIENT_STORAGE;
    }

    /**
     * Settles an upload whose add was left to saga recovery once it is no longer renewed, asking again while recovery
     * drives it: the outcome is reached even when no client asks for the upload before it would expire.
     */
    private void settleLater(UploadId id) {
        try {
            completions.schedule(() -> {
                try {
                    Optional<UploadSession> session = sessions.find(id);
                    if (session.isEmpty() || session.get().state() != UploadState.COMPLETING) {
                        return;
                    }
                    if (settleIfAbandoned(session.get()).state() == UploadState.COMPLETING) {
                        settleLater(id);
                    }
                } catch (RuntimeException e) {
                    LOG.debug("upload {}: settling it failed; trying again: {}", id, e.getMessage());
                    settleLater(id);
                }
            }, abandonedAfter().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException stopping) {
            LOG.debug("upload {}: not settled here, the instance is stopping; a later request settles it", id);
        }
    }

    /** Applies {@code change} by compare-and-set while {@code applies}; whether it was applied. */
    private boolean changeIf(UploadId id, Predicate<UploadSession> applies, UnaryOperator<UploadSession> change) {
        while (true) {
            Optional<UploadSession> current = sessions.find(id);
            if (current.isEmpty() || !applies.test(current.get())) {
                return false;
            }
            if (sessions.replace(change.apply(current.get()))) {
                return true;
            }
        }
    }

    /** Once the file is stored: the staged bytes, the space held, and a final upload's parts go. */
    private void cleanUpStored(UploadSession done) {
        staging.delete(done.id());
        releaseSpace(done.id());
        if (done.concatenation().isFinal()) {
            for (UploadId part : done.concatenation().parts()) {
                sessions.find(part).ifPresent(session -> {
                    if (sessions.remove(part, session.revision())) {
                        cleanUp(session);
                    }
                });
            }
        }
    }

    /**
     * Renews the completing session while its file is stored, so that other instances (and this one after a restart)
     * can tell a completion in progress from one whose instance stopped.
     */
    private ScheduledFuture<?> renewWhileCompleting(UploadId id, FileId file) {
        long every = Math.max(1, settings.lockLease().toMillis() / 3);
        return completions.scheduleWithFixedDelay(() -> {
            try {
                sessions.find(id).filter(s -> s.state() == UploadState.COMPLETING && s.fileId().equals(Optional.of(file)))
                        .ifPresent(s -> sessions.replace(s.withExpires(s.expires(), clock.instant())));
            } catch (RuntimeException e) {
                LOG.debug("upload {}: renewing its completion failed; trying again: {}", id, e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Applies {@code change} by compare-and-set until it holds, whatever else changed meanwhile. */
    private UploadSession change(UploadId id, UnaryOperator<UploadSession> change) {
        while (true) {
            UploadSession current = sessions.find(id).orElseThrow(() -> notFound(id));
            UploadSession next = change.apply(current);
            if (sessions.replace(next)) {
                return next;
            }
        }
    }

    // --- locks ---

    /** A lock this request holds. */
    static final class Held {
        final String holder;
        final long token;
        /** How long taking the lock took, for the timing a PATCH logs. */
        final long takingNanos;
        UploadSession session;
        boolean released;

        Held(String holder, long token, UploadSession session, long takingNanos) {
            this.holder = holder;
            this.token = token;
            this.session = session;
            this.takingNanos = takingNanos;
        }
    }

    private Held acquire(UploadId id, Caller caller) {
        long began = System.nanoTime();
        String holder = instanceId + "/" + UUID.randomUUID();
        Instant deadline = clock.instant().plus(settings.lockWait());
        while (true) {
            long seen = sessions.changes();
            UploadSession session = find(id, caller);
            Instant now = clock.instant();
            UploadLock lock = session.lock();
            boolean held = lock.isHeld(now);
            if (!held || !now.isBefore(deadline)) {
                UploadSession next = session.withLock(lock.takenBy(holder, now.plus(settings.lockLease())), now);
                if (sessions.replaceLease(next)) { // a lease: see UploadSessions.replaceLease
                    if (held) {
                        LOG.info("upload {}: request {} took over from {}, which did not let go within {} ms", id, holder,
                                lock.holder().orElse("?"), settings.lockWait().toMillis());
                    }
                    releaseAsked.put(holder, new AtomicBoolean());
                    return new Held(holder, next.lock().fencingToken(), next, System.nanoTime() - began);
                }
                continue;
            }
            lock.holder().map(releaseAsked::get).ifPresent(flag -> flag.set(true));
            if (!lock.releaseRequested()) {
                sessions.replaceLease(session.withLock(lock.withReleaseRequested(), now));
                continue;
            }
            try {
                // A holder here lets go by a session change, which wakes this wait; one elsewhere is seen by re-reading.
                Duration wait = Duration.between(now, deadline);
                sessions.awaitChange(seen, Instant.now().plus(wait.compareTo(REMOTE_LOCK_POLL) < 0 ? wait : REMOTE_LOCK_POLL));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IngestException(Kind.UNAVAILABLE, "interrupted", "the server is stopping");
            }
        }
    }

    /** Changes the session under this request's lock, durably; fails when another request took it over. */
    private UploadSession update(Held lock, UnaryOperator<UploadSession> change) {
        return update(lock, change, true);
    }

    /**
     * Changes the session under this request's lock; fails when another request took it over. Not {@code durable}:
     * for a change of the lock (and the progress rate) alone, which need not survive a crash of the store.
     */
    private UploadSession update(Held lock, UnaryOperator<UploadSession> change, boolean durable) {
        while (true) {
            UploadSession current = sessions.find(lock.session.id()).orElseThrow(() -> notFound(lock.session.id()));
            if (!current.lock().isHeldBy(lock.holder, lock.token)) {
                throw takenOver(current.id());
            }
            UploadSession next = change.apply(current);
            if (durable ? sessions.replace(next) : sessions.replaceLease(next)) {
                lock.session = next;
                return next;
            }
        }
    }

    private void checkFence(Held lock) {
        UploadSession current = sessions.find(lock.session.id()).orElseThrow(() -> notFound(lock.session.id()));
        if (!current.lock().isHeldBy(lock.holder, lock.token)) {
            throw takenOver(current.id());
        }
        if (current.lock().releaseRequested()) {
            releaseAsked.get(lock.holder).set(true);
        }
    }

    /** Lets go of the lock if this request still holds it; the session after, when it did. */
    private Optional<UploadSession> release(Held lock) {
        releaseAsked.remove(lock.holder);
        if (lock.released) {
            return Optional.empty();
        }
        lock.released = true;
        try {
            return Optional.of(update(lock, current -> current.withLock(current.lock().released(), clock.instant()), false));
        } catch (IngestException e) {
            return Optional.empty(); // taken over or gone: nothing of ours to release
        }
    }

    private static IngestException takenOver(UploadId id) {
        return new IngestException(Kind.CONFLICT, "upload_taken_over", "another request took upload " + id
                + " over; this request's unacknowledged bytes were dropped: ask HEAD for the offset and resume from it");
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("releasing space held by an upload failed: {}", e.getMessage());
        }
    }
}
