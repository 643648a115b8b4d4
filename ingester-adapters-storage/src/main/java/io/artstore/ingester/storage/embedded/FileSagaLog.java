package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaLogRules;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaSummary;
import io.artstore.ingester.formats.SagaRecordJson;
import io.artstore.ingester.storage.fs.Fsync;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded saga log: one append-only file per instance ({@code saga-<instance>.log}) in a folder that
 * every instance sharing the log can read. Each record is on disk before {@link #append} returns: it is written
 * under the folder lock and forced after the lock is let go, so that the records of concurrent sagas share one
 * fsync (group commit, see {@link FramedLogFile#sync}). A record is indexed as it is written, so this process sees
 * it a moment before it is durable; nothing is acknowledged before it is. A saga's start and a step's or a
 * compensation's success are not waited for, nor a record given to {@link #appendDurableWithNext}: the saga's
 * next record, forced, covers them (see {@link SagaLogRules#durableWithNext}).
 *
 * <p>An instance appends only to its own file and reads the others' to see sagas it may take over. Every
 * operation holds a lock on the folder ({@code saga.lock}, plus a lock per folder within this process), so
 * that the check of who owns a saga and the append that relies on it are one step for all instances.
 * {@code saga.lock} also holds the folder's generation, moved whenever a log file is added or replaced, so that the
 * folder is listed only when it changed (see {@link #refresh}).
 * Records are read into memory at open and as other instances add them; at open every file is read before
 * any record is indexed, since after a take-over a file starts mid-saga.
 *
 * <p>Compaction: once more ended sagas with records in the own file than twice {@link LogOptions#retainEnded}
 * are held, the oldest of them beyond that number are folded away: the own file is rewritten without their
 * records (see {@link FramedLogFile#replaceWith}) and they leave memory. Parked sagas are kept. A folded saga
 * whose records also sit in another instance's file (it was taken over) leaves a tombstone in the own file,
 * which makes every instance ignore those records; each instance drops them at its own compaction, and the
 * tombstone goes at the first compaction after no other file holds any. Other instances notice a rewritten
 * file and read it again.
 */
public final class FileSagaLog implements SagaLog, AutoCloseable {

    static final FramedLogFile.Format FORMAT = new FramedLogFile.Format("saga log",
            "ARTSAGA1".getBytes(StandardCharsets.US_ASCII), true, 64 * 1024);

    private static final System.Logger LOG = System.getLogger(FileSagaLog.class.getName());
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern LOG_FILE = Pattern.compile("saga-(" + INSTANCE_ID.pattern() + ")\\.log");
    private static final String LOCK_FILE = "saga.lock";
    private static final Map<Path, FolderLock> FOLDER_LOCKS = new ConcurrentHashMap<>();
    /**
     * How many operations in a row this process may run under one hold of {@code saga.lock} while its own threads
     * queue for the folder, before it lets other processes in.
     */
    static final int HANDOVERS = 32;

    private final Path folder;
    private final FolderLock folderLock;
    private final FileChannel lockChannel;
    /** The generation of the folder's listing in {@code saga.lock} when this log last listed it; -1 before. */
    private long listedGeneration = -1;
    private final FramedLogFile own;
    private final LogOptions options;
    private final Map<Path, FramedLogFile> others = new HashMap<>();
    private final Map<SagaId, Held> sagas = new LinkedHashMap<>();
    /** Sagas folded away whose records some file may still hold, and the files that do (the own one included). */
    private final Map<SagaId, Set<Path>> folded = new HashMap<>();
    /** The tombstones in the own file. */
    private final Set<SagaId> ownTombstones = new HashSet<>();
    /** Ended sagas wholly in the own file, the ones compaction may fold away. */
    private int foldable;
    private volatile boolean closed;

    /** One saga's records, and which files hold them. */
    private static final class Held {
        final List<SagaRecord> records = new ArrayList<>();
        /** The sequences of the records in the own file. */
        final BitSet own = new BitSet();
        /** Where each of those records' frames starts in the own file, by sequence: compaction copies the frames. */
        long[] ownOffsets = new long[0];
        /** The other files holding some of its records. */
        final Set<Path> elsewhere = new HashSet<>(2);

        boolean foldable() {
            SagaRecord latest = records.get(records.size() - 1);
            return !own.isEmpty() && (latest.kind() == SagaRecord.Kind.SAGA_COMPLETED
                    || latest.kind() == SagaRecord.Kind.SAGA_COMPENSATED);
        }

        /** The files holding its records, the own one named {@code ownPath}. */
        Set<Path> holders(Path ownPath) {
            Set<Path> holders = new HashSet<>(elsewhere);
            if (!own.isEmpty()) {
                holders.add(ownPath);
            }
            return holders;
        }
    }

    private FileSagaLog(Path folder, FolderLock folderLock, FileChannel lockChannel, FramedLogFile own, LogOptions options) {
        this.folder = folder;
        this.folderLock = folderLock;
        this.lockChannel = lockChannel;
        this.own = own;
        this.options = options;
    }

    /** Opens the log with the {@link LogOptions#DEFAULT default options}; see {@link #open(Path, String, LogOptions)}. */
    public static FileSagaLog open(Path folder, String instanceId) {
        return open(folder, instanceId, LogOptions.DEFAULT);
    }

    /**
     * Opens the log in {@code folder} (created if missing) as instance {@code instanceId}, reading every
     * instance's file. A torn last record in this instance's file, left by a crash while writing it, is
     * cut off.
     *
     * @throws IngestException {@code INTERNAL} ({@code saga_log_corrupt}) naming the file and offset when a
     *     file is damaged elsewhere than at its tail, unless {@link LogOptions#salvage}; {@code CONFLICT}
     *     ({@code saga_log_in_use}) when another process has the instance's file open; {@code UNAVAILABLE}
     *     when the folder cannot be used
     */
    public static FileSagaLog open(Path folder, String instanceId, LogOptions options) {
        return open(folder, instanceId, options, FramedLogFile.Faults.NONE, Fsync.REAL);
    }

    /** {@link #open(Path, String, LogOptions)}, forcing the records with {@code fsync} (tests count or hold forces). */
    public static FileSagaLog open(Path folder, String instanceId, LogOptions options, Fsync fsync) {
        return open(folder, instanceId, options, FramedLogFile.Faults.NONE, fsync);
    }

    static FileSagaLog open(Path folder, String instanceId, LogOptions options, FramedLogFile.Faults faults) {
        return open(folder, instanceId, options, faults, Fsync.REAL);
    }

    static FileSagaLog open(Path folder, String instanceId, LogOptions options, FramedLogFile.Faults faults, Fsync fsync) {
        if (!INSTANCE_ID.matcher(instanceId).matches()) {
            throw IngestException.invalid("invalid_instance_id", "the instance id names a file, so it must be 1 to 64 letters,"
                    + " digits, '.', '_' or '-' starting with a letter or digit; got '" + instanceId + "'");
        }
        Path realFolder;
        FileChannel lockChannel;
        try {
            Files.createDirectories(folder);
            realFolder = folder.toRealPath();
            lockChannel = FileChannel.open(realFolder.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw unavailable(folder, e);
        }
        FolderLock folderLock = FOLDER_LOCKS.computeIfAbsent(realFolder, path -> new FolderLock());
        Path ownPath = realFolder.resolve("saga-" + instanceId + ".log");
        List<FramedLogFile> opened = new ArrayList<>();
        try {
            // No hand-over from here: a failed open closes its channel, which would end any hold of the file lock.
            return underFolderLock(folderLock, lockChannel, false, () -> {
                boolean created = !Files.exists(ownPath);
                FramedLogFile own = FramedLogFile.openOwn(ownPath, FORMAT, faults, fsync).orElseThrow(() -> new IngestException(
                        IngestException.Kind.CONFLICT, "saga_log_in_use", "saga log " + ownPath
                                + " is open in another process or log; each instance needs an id of its own"));
                opened.add(own);
                if (created) {
                    syncFolder(realFolder);
                }
                // Whether it created its file or not, the other instances list the folder again.
                bumpGeneration(lockChannel);
                FileSagaLog log = new FileSagaLog(realFolder, folderLock, lockChannel, own, options);
                opened.clear();
                try {
                    // The own file may start mid-saga (a saga taken over): it is merged with the others, not read first.
                    log.refresh(parse(own, own.readNew(true, options.salvage()), true));
                    if (!own.skipped().isEmpty()) {
                        log.rewriteAfterSalvage();
                    }
                    if (own.cutBytes() > 0) {
                        LOG.log(Level.WARNING, "Saga log {0}: cut off a torn last record of {1} bytes, left by a crash while"
                                + " it was written", ownPath, own.cutBytes());
                    }
                    log.compactIfDue();
                } catch (IOException | RuntimeException e) {
                    log.closeFiles(e);
                    throw e;
                }
                return log;
            });
        } catch (IOException | RuntimeException e) {
            opened.forEach(file -> closeQuietly(file, e));
            folderLock.lock.lock();
            try {
                // Closing the channel would end another log's hold of the file lock unseen: let go of it first.
                folderLock.releaseHeld();
            } catch (IOException release) {
                e.addSuppressed(release);
            }
            try {
                closeQuietly(lockChannel, e);
            } finally {
                folderLock.lock.unlock();
            }
            throw e instanceof IOException io ? failure(realFolder, io) : (RuntimeException) e;
        }
    }

    @Override
    public void append(SagaRecord record) {
        locked(() -> {
            SagaLogRules.requireAppendable(records(record.sagaId()), record);
            write(record);
            return null;
        });
        if (!SagaLogRules.durableWithNext(record.kind())) {
            awaitDurable();
        }
    }

    @Override
    public void appendDurableWithNext(SagaRecord record) {
        locked(() -> {
            SagaLogRules.requireAppendable(records(record.sagaId()), record);
            write(record);
            return null;
        });
    }

    @Override
    public List<SagaRecord> load(SagaId sagaId) {
        return locked(() -> List.copyOf(records(sagaId)));
    }

    @Override
    public List<SagaSummary> unfinished() {
        return summaries(summary -> !summary.state().isEnded());
    }

    @Override
    public boolean tryClaim(SagaId sagaId, String owner, Instant now, Instant leaseUntil) {
        return locked(() -> {
            Optional<SagaRecord> claim = SagaLogRules.claim(records(sagaId), owner, now, leaseUntil);
            if (claim.isPresent()) {
                write(claim.get());
            }
            return claim.isPresent();
        }) && awaitDurable();
    }

    /** Waits, outside the folder lock, for a force covering what this thread wrote; true for chaining. */
    private boolean awaitDurable() {
        try {
            own.sync();
            return true;
        } catch (IOException e) {
            throw failure(folder, e);
        }
    }

    @Override
    public List<SagaSummary> list(SagaState state) {
        return summaries(summary -> summary.state() == state);
    }

    /** How many sagas the log holds in memory, ended ones included. */
    public int sagasHeld() {
        return locked(() -> sagas.size());
    }

    /** How many records the log holds in memory. */
    public long recordsHeld() {
        return locked(() -> sagas.values().stream().mapToLong(held -> held.records.size()).sum());
    }

    /** Whether this process holds {@code saga.lock} between operations, kept for a queued thread (tests). */
    boolean folderLockHeld() {
        folderLock.lock.lock();
        try {
            return folderLock.holding();
        } finally {
            folderLock.lock.unlock();
        }
    }

    @Override
    public void close() {
        folderLock.lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = new IOException("could not close saga log in " + folder);
            try {
                // Closing a channel lets go of every lock the process holds on the file, whichever channel took it.
                folderLock.releaseHeld();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
            try {
                // Successes whose saga wrote nothing after them are forced here rather than lost.
                own.sync();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
            closeFiles(failure);
            closeQuietly(lockChannel, failure);
            if (failure.getSuppressed().length > 0) {
                throw unavailable(folder, failure);
            }
        } finally {
            folderLock.lock.unlock();
        }
    }

    private void closeFiles(Throwable failure) {
        closeQuietly(own, failure);
        others.values().forEach(file -> closeQuietly(file, failure));
    }

    private List<SagaSummary> summaries(Predicate<SagaSummary> filter) {
        return locked(() -> sagas.values().stream().map(held -> SagaSummary.of(held.records)).filter(filter).toList());
    }

    private List<SagaRecord> records(SagaId sagaId) {
        Held held = sagas.get(sagaId);
        return held == null ? List.of() : held.records;
    }

    /** The one write path: frame and append, then index; the caller forces it once it lets the folder lock go. */
    private void write(SagaRecord record) throws IOException {
        long offset = own.write(SagaRecordJson.write(record));
        add(record, null, offset, own.path().getFileName().toString());
        try {
            compactIfDue();
        } catch (IOException e) {
            // The record is durable and the old file whole: the append succeeded. Compaction is tried again later.
            LOG.log(Level.WARNING, "Saga log {0}: compaction failed, the log stays as it was: {1}", own.path(), e.getMessage());
        }
    }

    /** An operation on the log as it stands on disk, with every instance kept out meanwhile. */
    private <T> T locked(LockedOperation<T> operation) {
        if (closed) {
            throw new IllegalStateException("saga log in " + folder + " is closed");
        }
        try {
            return underFolderLock(folderLock, lockChannel, true, () -> {
                refresh(List.of());
                return operation.run();
            });
        } catch (IOException e) {
            throw failure(folder, e);
        }
    }

    private static <T> T underFolderLock(FolderLock folderLock, FileChannel lockChannel, boolean mayHandOver,
            LockedOperation<T> operation) throws IOException {
        folderLock.lock.lock();
        try {
            folderLock.acquire(lockChannel);
            boolean failed = true;
            try {
                T result = operation.run();
                failed = false;
                return result;
            } finally {
                folderLock.handOverOrRelease(failed || !mayHandOver);
            }
        } finally {
            folderLock.lock.unlock();
        }
    }

    /**
     * The folder's lock within this process, and its hold of {@code saga.lock} across processes. A file lock
     * belongs to the process, not to a thread, so when the process's own threads queue for the folder the hold
     * passes to the next of them instead of being let go and taken again (two {@code fcntl} calls per
     * operation); after {@link #HANDOVERS} operations in a row it is let go so that other processes get their
     * turn. Every field is guarded by {@link #lock}.
     */
    static final class FolderLock {
        final ReentrantLock lock = new ReentrantLock();
        private FileLock held;
        private int handedOver;

        void acquire(FileChannel lockChannel) throws IOException {
            if (held == null || !held.isValid()) {
                held = lockChannel.lock();
                handedOver = 0;
            }
        }

        void handOverOrRelease(boolean release) throws IOException {
            if (!release && lock.hasQueuedThreads() && ++handedOver < HANDOVERS) {
                return;
            }
            releaseHeld();
        }

        void releaseHeld() throws IOException {
            FileLock releasing = held;
            held = null;
            if (releasing != null && releasing.isValid()) {
                releasing.release();
            }
        }

        boolean holding() {
            return held != null && held.isValid();
        }
    }

    /** Reads the folder's listing generation from {@code saga.lock}; 0 while nothing wrote one. Under the lock. */
    private static long readGeneration(FileChannel lockChannel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES);
        while (bytes.hasRemaining()) {
            if (lockChannel.read(bytes, bytes.position()) < 0) {
                return 0;
            }
        }
        return bytes.getLong(0);
    }

    /**
     * Tells every instance that the folder's files changed (a file added or replaced): they list it again. Under
     * the lock. It need not be durable: after a crash or a restart every log lists the folder when it opens.
     */
    private static void bumpGeneration(FileChannel lockChannel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).putLong(0, readGeneration(lockChannel) + 1);
        while (bytes.hasRemaining()) {
            lockChannel.write(bytes, bytes.position());
        }
    }

    /**
     * Reads what other instances have appended since the last look, including files of new instances and files
     * their owners compacted, and indexes it with {@code ownRecords} in sequence order, whichever file each
     * record comes from.
     */
    private void refresh(List<Sourced> ownRecords) throws IOException {
        // Files are added and replaced only under the lock, each time with a new generation: while it stays the
        // same, the files known are the folder's files, and only their new records need reading.
        long generation = readGeneration(lockChannel);
        boolean changed = generation != listedGeneration;
        if (changed) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path path : (Iterable<Path>) files::iterator) {
                    Matcher name = LOG_FILE.matcher(path.getFileName().toString());
                    if (name.matches() && !path.equals(own.path()) && !others.containsKey(path)) {
                        others.put(path, FramedLogFile.openOther(path, FORMAT));
                    }
                }
            }
        }
        List<Sourced> added = new ArrayList<>(ownRecords);
        List<Path> replaced = new ArrayList<>();
        for (Iterator<Map.Entry<Path, FramedLogFile>> entries = others.entrySet().iterator(); entries.hasNext(); ) {
            Map.Entry<Path, FramedLogFile> entry = entries.next();
            FramedLogFile file = entry.getValue();
            if (changed && file.replacedOnDisk()) {
                file.close();
                entries.remove();
                replaced.add(entry.getKey());
                continue;
            }
            added.addAll(parse(file, file.readNew(false, options.salvage()), false));
        }
        listedGeneration = generation;
        for (Path path : replaced) {
            added.addAll(reread(path));
        }
        for (Sourced sourced : added) {
            if (sourced.tombstone() != null) {
                fold(sourced.tombstone());
                if (sourced.from() == null) {
                    ownTombstones.add(sourced.tombstone());
                }
            }
        }
        List<Sourced> records = new ArrayList<>(added.size());
        for (Sourced sourced : added) {
            if (sourced.record() == null) {
                continue;
            }
            Set<Path> holders = folded.get(sourced.record().sagaId());
            if (holders != null) {
                holders.add(sourced.from() == null ? own.path() : sourced.from());
            } else {
                records.add(sourced);
            }
        }
        // Records of one saga may sit in several files, written in turn as instances took it over.
        records.sort(Comparator.comparing((Sourced sourced) -> sourced.record().sagaId().value())
                .thenComparingLong(sourced -> sourced.record().sequence()));
        for (Sourced sourced : records) {
            add(sourced.record(), sourced.from(), sourced.offset(), sourced.file());
        }
        // A folded saga no file holds records of any more needs no remembering.
        folded.entrySet().removeIf(entry -> entry.getValue().isEmpty() && !ownTombstones.contains(entry.getKey()));
    }

    /** Forgets a saga a tombstone names, remembering which files still hold its records. */
    private void fold(SagaId sagaId) {
        Held held = sagas.remove(sagaId);
        Set<Path> holders = folded.computeIfAbsent(sagaId, id -> new HashSet<>());
        if (held != null) {
            holders.addAll(held.holders(own.path()));
            if (held.foldable()) {
                foldable--;
            }
        }
    }

    /**
     * Reads a file its owner compacted from the start. The sagas it alone held and no longer holds were folded
     * away by its owner: they leave memory here too. Folded sagas' records it held are forgotten with it.
     */
    private List<Sourced> reread(Path path) throws IOException {
        folded.values().forEach(holders -> holders.remove(path));
        List<Sourced> records = new ArrayList<>();
        if (Files.exists(path)) {
            FramedLogFile file = FramedLogFile.openOther(path, FORMAT);
            others.put(path, file);
            records.addAll(parse(file, file.readNew(false, options.salvage()), false));
        }
        Set<SagaId> stillThere = new HashSet<>();
        records.stream().filter(sourced -> sourced.record() != null).forEach(sourced -> stillThere.add(sourced.record().sagaId()));
        for (Iterator<Map.Entry<SagaId, Held>> entries = sagas.entrySet().iterator(); entries.hasNext(); ) {
            Map.Entry<SagaId, Held> entry = entries.next();
            Held held = entry.getValue();
            if (!stillThere.contains(entry.getKey()) && held.elsewhere.remove(path) && held.own.isEmpty() && held.elsewhere.isEmpty()) {
                entries.remove();
            }
        }
        return records;
    }

    /**
     * A record or a tombstone (the other is null), the other file it was read from (null for the own file), and
     * that file's name for messages.
     */
    private record Sourced(SagaRecord record, SagaId tombstone, Path from, long offset, String file) {
    }

    private void add(SagaRecord record, Path from, long offset, String source) throws IOException {
        Held held = sagas.computeIfAbsent(record.sagaId(), id -> new Held());
        List<SagaRecord> log = held.records;
        if (record.sequence() < log.size()) {
            // Read again from a file its owner compacted: known already.
            return;
        }
        if (record.sequence() != log.size()) {
            if (options.salvage()) {
                LOG.log(Level.WARNING, "Saga log in {0}: salvage drops record {1} of saga {2} from {3}; records before it"
                        + " were lost", folder, record.sequence(), record.sagaId(), source);
                if (log.isEmpty()) {
                    sagas.remove(record.sagaId());
                }
                return;
            }
            throw new CorruptLogException("saga log in " + folder + " is corrupt: " + source + " holds record "
                    + record.sequence() + " of saga " + record.sagaId() + " but " + log.size()
                    + " records of it before; records are missing");
        }
        boolean wasFoldable = !log.isEmpty() && held.foldable();
        log.add(record);
        if (from == null) {
            int sequence = (int) record.sequence();
            held.own.set(sequence);
            if (held.ownOffsets.length <= sequence) {
                held.ownOffsets = Arrays.copyOf(held.ownOffsets, Math.max(sequence + 1, held.ownOffsets.length * 2));
            }
            held.ownOffsets[sequence] = offset;
        } else {
            held.elsewhere.add(from);
        }
        boolean isFoldable = held.foldable();
        foldable += (isFoldable ? 1 : 0) - (wasFoldable ? 1 : 0);
    }

    /** Folds away the oldest ended sagas beyond those retained, once twice as many have piled up. */
    private void compactIfDue() throws IOException {
        if (foldable <= 2L * options.retainEnded()) {
            return;
        }
        List<SagaId> ended = sagas.entrySet().stream().filter(entry -> entry.getValue().foldable())
                .sorted(Comparator.comparing(entry -> latest(entry.getValue()).at()))
                .map(Map.Entry::getKey).toList();
        Set<SagaId> folding = new HashSet<>(ended.subList(0, ended.size() - options.retainEnded()));
        Map<SagaId, Set<Path>> elsewhere = new HashMap<>();
        for (SagaId sagaId : folding) {
            elsewhere.put(sagaId, new HashSet<>(sagas.get(sagaId).elsewhere));
        }
        folded.forEach((sagaId, holders) -> {
            Set<Path> others = new HashSet<>(holders);
            others.remove(own.path());
            elsewhere.put(sagaId, others);
        });
        Set<SagaId> tombstones = new HashSet<>();
        elsewhere.forEach((sagaId, others) -> {
            if (!others.isEmpty()) {
                tombstones.add(sagaId);
            }
        });
        replaceOwn(folding, tombstones);
        bumpGeneration(lockChannel);
        sagas.keySet().removeAll(folding);
        foldable -= folding.size();
        folded.clear();
        tombstones.forEach(sagaId -> folded.put(sagaId, elsewhere.get(sagaId)));
        ownTombstones.clear();
        ownTombstones.addAll(tombstones);
    }

    /** Rewrites the own file from what a salvage could read of it, after keeping a copy of the damaged one. */
    private void rewriteAfterSalvage() throws IOException {
        Path copy = own.keepDamagedCopy(Clock.systemUTC().instant());
        LOG.log(Level.WARNING, "Saga log {0}: salvaged; dropped the damaged byte ranges {1}; the damaged file is kept as {2}",
                own.path(), own.skipped(), copy);
        replaceOwn(Set.of(), ownTombstones);
        bumpGeneration(lockChannel);
    }

    /**
     * Rewrites the own file with {@code tombstones} and the records of every saga held but {@code folding}; the
     * records' frames are copied from the old file as they are, in file order, not encoded again.
     */
    private void replaceOwn(Set<SagaId> folding, Set<SagaId> tombstones) throws IOException {
        List<byte[]> bodies = new ArrayList<>();
        tombstones.forEach(sagaId -> bodies.add(SagaTombstoneJson.write(sagaId)));
        List<Held> keptSagas = new ArrayList<>();
        List<Integer> keptSequences = new ArrayList<>();
        for (Map.Entry<SagaId, Held> entry : sagas.entrySet()) {
            if (folding.contains(entry.getKey())) {
                continue;
            }
            Held held = entry.getValue();
            held.own.stream().forEach(sequence -> {
                keptSagas.add(held);
                keptSequences.add(sequence);
            });
        }
        Integer[] order = new Integer[keptSagas.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingLong(i -> keptSagas.get(i).ownOffsets[keptSequences.get(i)]));
        long[] offsets = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            offsets[i] = keptSagas.get(order[i]).ownOffsets[keptSequences.get(order[i])];
        }
        own.replaceWith(bodies, offsets, moved -> {
            for (int i = 0; i < order.length; i++) {
                keptSagas.get(order[i]).ownOffsets[keptSequences.get(order[i])] = moved[i];
            }
        });
    }

    private static SagaRecord latest(Held held) {
        return held.records.get(held.records.size() - 1);
    }

    private static List<Sourced> parse(FramedLogFile file, List<FramedLogFile.Frame> frames, boolean ownFile) throws IOException {
        List<Sourced> records = new ArrayList<>(frames.size());
        String name = file.path().getFileName().toString();
        Path from = ownFile ? null : file.path();
        for (FramedLogFile.Frame frame : frames) {
            try {
                records.add(new Sourced(SagaRecordJson.read(frame.body()), null, from, frame.offset(), name));
            } catch (IllegalArgumentException e) {
                Optional<SagaId> tombstone = SagaTombstoneJson.read(frame.body());
                if (tombstone.isEmpty()) {
                    throw new CorruptLogException(FORMAT.name(), file.path(), frame.offset(),
                            "a frame with a good CRC holds no saga record (" + e.getMessage() + ")");
                }
                records.add(new Sourced(null, tombstone.get(), from, frame.offset(), name));
            }
        }
        return records;
    }

    private static void syncFolder(Path folder) {
        // Makes the new file's name durable too; some file systems cannot sync a folder, which costs nothing else.
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException ignored) {
            // The name is durable once the file system commits its journal.
        }
    }

    private static IngestException failure(Path folder, IOException e) {
        if (e instanceof CorruptLogException) {
            return new IngestException(IngestException.Kind.INTERNAL, "saga_log_corrupt", e.getMessage()
                    + "; have an operator look at its sagas, then move the file aside or start once with logs.salvage=on"
                    + " to keep what is readable", e);
        }
        return unavailable(folder, e);
    }

    private static IngestException unavailable(Path folder, IOException e) {
        return new IngestException(IngestException.Kind.UNAVAILABLE, "saga_log_unavailable",
                "saga log in " + folder + " cannot be read or written: " + e.getMessage(), e);
    }

    private static void closeQuietly(AutoCloseable closeable, Throwable failure) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    @FunctionalInterface
    private interface LockedOperation<T> {
        T run() throws IOException;
    }
}
