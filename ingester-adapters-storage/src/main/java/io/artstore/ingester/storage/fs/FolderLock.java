package io.artstore.ingester.storage.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An exclusive lock on a folder for the life of one owner: an OS lock ({@code fcntl} on Linux) on a lock file in
 * the folder, which the OS drops when the process dies, so a crash never leaves it stale. The file keeps the
 * holder's process id, for the message a second process gets.
 *
 * <p>OS locks belong to the whole process, and closing any channel of the file drops them: a second lock of the
 * same folder in this process is therefore refused from a registry, without ever opening the file.
 */
public final class FolderLock implements AutoCloseable {

    /** Lock files held by this process, by real path. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FolderLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code folder} (created if missing) through the file {@code fileName} in it. Changes nothing in the
     * folder but that file, and that only once the lock is held.
     *
     * @param what the folder as the message names it, e.g. {@code "the data folder (storage.data_dir)"}
     * @throws FolderInUseException another process, or another owner in this one, holds the lock
     * @throws UncheckedIOException the folder or the file cannot be created or locked
     */
    public static FolderLock acquire(Path folder, String fileName, String what) {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(what, "what");
        Path file;
        try {
            Files.createDirectories(folder);
            file = folder.toRealPath().resolve(fileName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + what + " " + folder.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (!HELD.add(file)) {
            throw new FolderInUseException(inUse(what, file, "this process"));
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                // OverlappingFileLockException cannot happen: the registry keeps this process to one lock per file.
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                throw new FolderInUseException(inUse(what, file, holder(file)));
            }
            FolderLock held = new FolderLock(file, channel, lock);
            held.recordHolder();
            return held;
        } catch (IOException e) {
            HELD.remove(file);
            throw new UncheckedIOException("cannot lock " + what + " through " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    private void recordHolder() throws IOException {
        channel.truncate(0);
        ByteBuffer pid = ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
        while (pid.hasRemaining()) {
            channel.write(pid, pid.position());
        }
        channel.force(false);
    }

    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return pid.matches("[0-9]{1,19}") ? "process " + pid : "another process";
        } catch (IOException e) {
            return "another process";
        }
    }

    private static String inUse(String what, Path file, String holder) {
        return what + " " + file.getParent() + " is in use by " + holder + " (it holds the lock on " + file
                + "); stop that ingester first, or give this one a folder of its own. Nothing was changed.";
    }

    /** Releases the lock; the file stays, for the next holder. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on " + file + ": " + e.getMessage(), e);
        } finally {
            HELD.remove(file);
        }
    }
}
