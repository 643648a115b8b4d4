package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * File locks for one ingester instance: held in memory, and mirrored as one {@code <file_id>.lock} file each
 * in a local folder so that after a restart the recovery sweep still sees which files an unfinished transfer
 * had locked. The last fencing token granted is kept in {@code fencing-token} and written before the lock it
 * belongs to, so tokens keep growing across restarts. Every write is temp file, fsync, rename.
 *
 * <p>Thread-safe: every method is serialised on the instance; the operations are small file writes.
 */
public final class FileSystemLocks implements Locks {

    private static final String SUFFIX = ".lock";
    private static final String TOKEN_FILE = "fencing-token";
    private static final String TEMP_FOLDER = ".tmp";

    private final Path folder;
    private final Path temp;
    private final Map<FileId, Lock> held = new HashMap<>();
    private long lastToken;

    private FileSystemLocks(Path folder) {
        this.folder = folder;
        this.temp = folder.resolve(TEMP_FOLDER);
    }

    /**
     * Opens (creating if needed) the lock folder and takes back the locks recorded in it.
     *
     * @throws UncheckedIOException when the folder cannot be read or a lock file is not valid
     */
    public static FileSystemLocks open(Path folder) {
        Path absolute = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        FileSystemLocks locks = new FileSystemLocks(absolute);
        try {
            DurableFiles.createFolders(locks.temp);
            DurableFiles.emptyFolder(locks.temp);
            locks.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file locks at " + absolute + ": " + e.getMessage(), e);
        }
        return locks;
    }

    @Override
    public synchronized Optional<Lock> tryLock(FileId fileId, Operation operation, String owner) {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(owner, "owner");
        Lock current = held.get(fileId);
        if (current != null) {
            return current.owner().equals(owner) && current.operation() == operation ? Optional.of(current) : Optional.empty();
        }
        Lock lock = new Lock(fileId, operation, owner, lastToken + 1);
        try {
            DurableFiles.replace(folder.resolve(TOKEN_FILE), Long.toString(lock.fencingToken()).getBytes(StandardCharsets.US_ASCII), temp);
            lastToken = lock.fencingToken();
            DurableFiles.replace(fileOf(fileId), encode(lock), temp);
        } catch (IOException e) {
            throw failure("locking file " + fileId, e);
        }
        held.put(fileId, lock);
        return Optional.of(lock);
    }

    @Override
    public synchronized boolean release(Lock lock) {
        Objects.requireNonNull(lock, "lock");
        if (!lock.equals(held.get(lock.fileId()))) {
            return false;
        }
        try {
            Files.deleteIfExists(fileOf(lock.fileId()));
            DurableFiles.forceFolder(folder);
        } catch (IOException e) {
            throw failure("unlocking file " + lock.fileId(), e);
        }
        held.remove(lock.fileId());
        return true;
    }

    @Override
    public synchronized Optional<Lock> holder(FileId fileId) {
        return Optional.ofNullable(held.get(fileId));
    }

    @Override
    public synchronized List<Lock> held() {
        return new ArrayList<>(held.values());
    }

    private void load() throws IOException {
        try {
            lastToken = Long.parseLong(Files.readString(folder.resolve(TOKEN_FILE), StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException none) {
            lastToken = 0;
        } catch (NumberFormatException e) {
            throw new IOException(folder.resolve(TOKEN_FILE) + " does not hold a number", e);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                Lock lock;
                try {
                    lock = decode(Files.readString(file, StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    throw new IOException("lock file " + file + " cannot be read: " + e.getMessage(), e);
                }
                if (!file.getFileName().toString().equals(lock.fileId() + SUFFIX)) {
                    throw new IOException("lock file " + file + " names file " + lock.fileId());
                }
                held.put(lock.fileId(), lock);
                lastToken = Math.max(lastToken, lock.fencingToken());
            }
        }
    }

    private Path fileOf(FileId fileId) {
        return folder.resolve(fileId + SUFFIX);
    }

    private IngestException failure(String action, IOException e) {
        return new IngestException(Kind.INTERNAL, "locks_io_error",
                "the file locks at " + folder + " failed while " + action + ": " + e.getMessage(), e);
    }

    /** One {@code key=value} line each; the owner last, as it is the only free text. */
    private static byte[] encode(Lock lock) {
        return ("file_id=" + lock.fileId() + "\noperation=" + lock.operation().wireName() + "\nfencing_token="
                + lock.fencingToken() + "\nowner=" + lock.owner() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static Lock decode(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                fields.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        for (String key : List.of("file_id", "operation", "fencing_token", "owner")) {
            if (!fields.containsKey(key)) {
                throw new IllegalArgumentException("missing " + key);
            }
        }
        return new Lock(FileId.parse(fields.get("file_id")),
                Operation.valueOf(fields.get("operation").toUpperCase(Locale.ROOT)),
                fields.get("owner"), Long.parseLong(fields.get("fencing_token")));
    }
}
