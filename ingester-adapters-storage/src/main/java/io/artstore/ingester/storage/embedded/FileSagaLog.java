package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaLogRules;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaSummary;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded saga log: one append-only file per instance ({@code saga-<instance>.log}) in a folder that
 * every instance sharing the log can read. Each record is fsynced before {@link #append} returns.
 *
 * <p>An instance appends only to its own file and reads the others' to see sagas it may take over. Every
 * operation holds a lock on the folder ({@code saga.lock}, plus a lock per folder within this process), so
 * that the check of who owns a saga and the append that relies on it are one step for all instances.
 * Records are read into memory at open and as other instances add them.
 */
public final class FileSagaLog implements SagaLog, AutoCloseable {

    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern LOG_FILE = Pattern.compile("saga-(" + INSTANCE_ID.pattern() + ")\\.log");
    private static final String LOCK_FILE = "saga.lock";
    private static final Map<Path, ReentrantLock> FOLDER_LOCKS = new ConcurrentHashMap<>();

    private final Path folder;
    private final ReentrantLock folderLock;
    private final FileChannel lockChannel;
    private final SagaLogFile own;
    private final Map<Path, SagaLogFile> others = new HashMap<>();
    private final Map<SagaId, List<SagaRecord>> sagas = new LinkedHashMap<>();
    private volatile boolean closed;

    private FileSagaLog(Path folder, ReentrantLock folderLock, FileChannel lockChannel, SagaLogFile own) {
        this.folder = folder;
        this.folderLock = folderLock;
        this.lockChannel = lockChannel;
        this.own = own;
    }

    /**
     * Opens the log in {@code folder} (created if missing) as instance {@code instanceId}, reading every
     * instance's file. A torn last record in this instance's file, left by a crash while writing it, is
     * cut off.
     *
     * @throws IngestException {@code INTERNAL} ({@code saga_log_corrupt}) naming the file and offset when a
     *     file is damaged elsewhere than at its tail; {@code CONFLICT} ({@code saga_log_in_use}) when another
     *     process has the instance's file open; {@code UNAVAILABLE} when the folder cannot be used
     */
    public static FileSagaLog open(Path folder, String instanceId) {
        if (!INSTANCE_ID.matcher(instanceId).matches()) {
            throw IngestException.invalid("invalid_instance_id", "the instance id names a file, so it must be 1 to 64 letters,"
                    + " digits, '.', '_' or '-' starting with a letter or digit; got '" + instanceId + "'");
        }
        Path realFolder;
        FileChannel lockChannel;
        try {
            Files.createDirectories(folder);
            realFolder = folder.toRealPath();
            lockChannel = FileChannel.open(realFolder.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw unavailable(folder, e);
        }
        ReentrantLock folderLock = FOLDER_LOCKS.computeIfAbsent(realFolder, path -> new ReentrantLock());
        Path ownPath = realFolder.resolve("saga-" + instanceId + ".log");
        List<SagaLogFile> opened = new ArrayList<>();
        try {
            return underFolderLock(folderLock, lockChannel, () -> {
                boolean created = !Files.exists(ownPath);
                SagaLogFile own = SagaLogFile.openOwn(ownPath).orElseThrow(() -> new IngestException(IngestException.Kind.CONFLICT,
                        "saga_log_in_use", "saga log " + ownPath + " is open in another process or log; each instance needs an id of its own"));
                opened.add(own);
                if (created) {
                    syncFolder(realFolder);
                }
                FileSagaLog log = new FileSagaLog(realFolder, folderLock, lockChannel, own);
                // The own file may start mid-saga (a saga taken over): it is merged with the others, not read first.
                log.refresh(parse(own, own.readNew(true)));
                return log;
            });
        } catch (IOException | RuntimeException e) {
            opened.forEach(file -> closeQuietly(file, e));
            closeQuietly(lockChannel, e);
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
        });
    }

    @Override
    public List<SagaSummary> list(SagaState state) {
        return summaries(summary -> summary.state() == state);
    }

    @Override
    public void close() {
        folderLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = new IOException("could not close saga log in " + folder);
            closeQuietly(own, failure);
            others.values().forEach(file -> closeQuietly(file, failure));
            closeQuietly(lockChannel, failure);
            if (failure.getSuppressed().length > 0) {
                throw unavailable(folder, failure);
            }
        } finally {
            folderLock.unlock();
        }
    }

    private List<SagaSummary> summaries(Predicate<SagaSummary> filter) {
        return locked(() -> sagas.values().stream().map(SagaSummary::of).filter(filter).toList());
    }

    private List<SagaRecord> records(SagaId sagaId) {
        return sagas.getOrDefault(sagaId, List.of());
    }

    private void write(SagaRecord record) throws IOException {
        own.append(SagaRecordJson.write(record));
        sagas.computeIfAbsent(record.sagaId(), id -> new ArrayList<>()).add(record);
    }

    /** An operation on the log as it stands on disk, with every instance kept out meanwhile. */
    private <T> T locked(LockedOperation<T> operation) {
        if (closed) {
            throw new IllegalStateException("saga log in " + folder + " is closed");
        }
        try {
            return underFolderLock(folderLock, lockChannel, () -> {
                refresh(List.of());
                return operation.run();
            });
        } catch (IOException e) {
            throw failure(folder, e);
        }
    }

    private static <T> T underFolderLock(ReentrantLock folderLock, FileChannel lockChannel, LockedOperation<T> operation)
            throws IOException {
        folderLock.lock();
        try {
            FileLock acrossProcesses = lockChannel.lock();
            try {
                return operation.run();
            } finally {
                acrossProcesses.release();
            }
        } finally {
            folderLock.unlock();
        }
    }

    /**
     * Reads what other instances have appended since the last look, including files of new instances, and
     * indexes it with {@code ownRecords} in sequence order, whichever file each record comes from.
     */
    private void refresh(List<Sourced> ownRecords) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path path : (Iterable<Path>) files::iterator) {
                Matcher name = LOG_FILE.matcher(path.getFileName().toString());
                if (name.matches() && !path.equals(own.path()) && !others.containsKey(path)) {
                    others.put(path, SagaLogFile.openOther(path));
                }
            }
        }
        List<Sourced> added = new ArrayList<>(ownRecords);
        for (SagaLogFile file : others.values()) {
            added.addAll(parse(file, file.readNew(false)));
        }
        // Records of one saga may sit in several files, written in turn as instances took it over.
        added.sort(Comparator.comparing((Sourced sourced) -> sourced.record().sagaId().value())
                .thenComparingLong(sourced -> sourced.record().sequence()));
        for (Sourced sourced : added) {
            add(sourced.record(), sourced.file());
        }
    }

    /** A record and the name of the file it was read from, for messages. */
    private record Sourced(SagaRecord record, String file) {
    }

    private void add(SagaRecord record, String source) throws IOException {
        List<SagaRecord> log = sagas.computeIfAbsent(record.sagaId(), id -> new ArrayList<>());
        if (record.sequence() != log.size()) {
            throw new CorruptSagaLogException("saga log in " + folder + " is corrupt: " + source + " holds record "
                    + record.sequence() + " of saga " + record.sagaId() + " but " + log.size()
                    + " records of it before; records are missing");
        }
        log.add(record);
    }

    private static List<Sourced> parse(SagaLogFile file, List<SagaLogFile.Frame> frames) throws IOException {
        List<Sourced> records = new ArrayList<>(frames.size());
        String name = file.path().getFileName().toString();
        for (SagaLogFile.Frame frame : frames) {
            try {
                records.add(new Sourced(SagaRecordJson.read(frame.body()), name));
            } catch (IllegalArgumentException e) {
                throw new CorruptSagaLogException(file.path(), frame.offset(), "a frame with a good CRC holds no saga record ("
                        + e.getMessage() + ")");
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
        if (e instanceof CorruptSagaLogException) {
            return new IngestException(IngestException.Kind.INTERNAL, "saga_log_corrupt", e.getMessage()
                    + "; move the file aside and have an operator look at its sagas", e);
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
