package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.FileClocks;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The clock of each file's last change, one {@code <file_id>.clock} file each in a local folder (see
 * {@link ClockFiles}). Files are read when first asked for and kept in memory. Thread-safe: every method is
 * serialised on the instance.
 */
public final class FileSystemFileClocks implements FileClocks {

    private final ClockFiles files;
    private final Map<FileId, Optional<VectorClock>> cache = new HashMap<>();

    private FileSystemFileClocks(ClockFiles files) {
        this.files = files;
    }

    /**
     * Opens (creating if needed) the folder; temporary files a crash left behind are removed.
     *
     * @throws UncheckedIOException when the folder cannot be created or cleared
     */
    public static FileSystemFileClocks open(Path folder) {
        return new FileSystemFileClocks(ClockFiles.open(folder, "file clock store"));
    }

    @Override
    public synchronized Optional<VectorClock> lastChange(FileId fileId) {
        Objects.requireNonNull(fileId, "fileId");
        return cache.computeIfAbsent(fileId, id -> files.read(id.toString()));
    }

    @Override
    public synchronized void recordChange(FileId fileId, VectorClock clock) {
        Objects.requireNonNull(clock, "clock");
        VectorClock next = lastChange(fileId).map(last -> last.merge(clock)).orElse(clock);
        files.write(fileId.toString(), next);
        cache.put(fileId, Optional.of(next));
    }
}
