package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.FileClocks;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The clock of each file's last change, one {@code <file_id>.clock} file each in a local folder (see
 * {@link ClockFiles}). Thread-safe: every method is serialised on the instance.
 *
 * <p>Bounded: the clocks of files that no longer exist (as the given test says, the catalogue in the server)
 * are removed, when their last change (the delete) is recorded and at open for those a crash left behind; a
 * deleted file's operations answer 404 before any clock is compared. The latest {@value #CACHED} clocks read
 * are kept in memory, the others read again when asked for.
 */
public final class FileSystemFileClocks implements FileClocks {

    static final int CACHED = 10_000;

    private final ClockFiles files;
    private final Predicate<FileId> exists;
    private final Map<FileId, Optional<VectorClock>> cache = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<FileId, Optional<VectorClock>> eldest) {
            return size() > CACHED;
        }
    };

    private FileSystemFileClocks(ClockFiles files, Predicate<FileId> exists) {
        this.files = files;
        this.exists = exists;
    }

    /**
     * Opens (creating if needed) the folder, keeping the clock of every file; temporary files a crash left
     * behind are removed.
     *
     * @throws UncheckedIOException when the folder cannot be created or cleared
     */
    public static FileSystemFileClocks open(Path folder) {
        return open(folder, fileId -> true);
    }

    /**
     * Opens (creating if needed) the folder and removes the clocks of files for which {@code exists} is false;
     * temporary files a crash left behind are removed.
     *
     * @throws UncheckedIOException when the folder cannot be created or cleared
     */
    public static FileSystemFileClocks open(Path folder, Predicate<FileId> exists) {
        FileSystemFileClocks clocks = new FileSystemFileClocks(ClockFiles.open(folder, "file clock store"),
                Objects.requireNonNull(exists, "exists"));
        for (String name : clocks.files.names()) {
            FileId fileId;
            try {
                fileId = FileId.parse(name);
            } catch (IllegalArgumentException notAFileClock) {
                continue;
            }
            if (!exists.test(fileId)) {
                clocks.files.delete(name);
            }
        }
        return clocks;
    }

    @Override
    public synchronized Optional<VectorClock> lastChange(FileId fileId) {
        Objects.requireNonNull(fileId, "fileId");
        return cache.computeIfAbsent(fileId, id -> files.read(id.toString()));
    }

    @Override
    public synchronized void recordChange(FileId fileId, VectorClock clock) {
        Objects.requireNonNull(clock, "clock");
        if (!exists.test(fileId)) {
            // The change was the file's end: nothing is left to order against it.
            files.delete(fileId.toString());
            cache.remove(fileId);
            return;
        }
        VectorClock next = lastChange(fileId).map(last -> last.merge(clock)).orElse(clock);
        files.write(fileId.toString(), next);
        cache.put(fileId, Optional.of(next));
    }

    /** How many clocks are held in memory. */
    synchronized int cached() {
        return cache.size();
    }
}
