package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.out.FileClocks;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The clock of each file's last change, one {@code <file_id>.clock} file each in a local folder holding the
 * clock's text form, replaced by temp file, fsync and atomic rename. Files are read when first asked for and
 * kept in memory. Thread-safe: every method is serialised on the instance.
 */
public final class FileSystemFileClocks implements FileClocks {

    private static final String SUFFIX = ".clock";
    private static final String TEMP_FOLDER = ".tmp";

    private final Path folder;
    private final Path temp;
    private final Map<FileId, Optional<VectorClock>> cache = new HashMap<>();

    private FileSystemFileClocks(Path folder) {
        this.folder = folder;
        this.temp = folder.resolve(TEMP_FOLDER);
    }

    /**
     * Opens (creating if needed) the folder; temporary files a crash left behind are removed.
     *
     * @throws UncheckedIOException when the folder cannot be created or cleared
     */
    public static FileSystemFileClocks open(Path folder) {
        Path absolute = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        FileSystemFileClocks clocks = new FileSystemFileClocks(absolute);
        try {
            DurableFiles.createFolders(clocks.temp);
            DurableFiles.emptyFolder(clocks.temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file clock folder " + absolute + ": " + e.getMessage(), e);
        }
        return clocks;
    }

    @Override
    public synchronized Optional<VectorClock> lastChange(FileId fileId) {
        Objects.requireNonNull(fileId, "fileId");
        Optional<VectorClock> known = cache.get(fileId);
        if (known == null) {
            known = read(fileId);
            cache.put(fileId, known);
        }
        return known;
    }

    @Override
    public synchronized void recordChange(FileId fileId, VectorClock clock) {
        Objects.requireNonNull(clock, "clock");
        VectorClock next = lastChange(fileId).map(last -> last.merge(clock)).orElse(clock);
        Path file = fileOf(fileId);
        try {
            DurableFiles.replace(file, (next.toText() + "\n").getBytes(StandardCharsets.UTF_8), temp);
        } catch (IOException e) {
            throw new IngestException(Kind.INTERNAL, "clock_io_error", "the file clock store failed writing " + file
                    + ": " + e.getMessage(), e);
        }
        cache.put(fileId, Optional.of(next));
    }

    private Optional<VectorClock> read(FileId fileId) {
        Path file = fileOf(fileId);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IngestException(Kind.INTERNAL, "clock_io_error", "the file clock store failed reading " + file
                    + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(VectorClock.parse(text.strip()));
        } catch (IllegalArgumentException e) {
            throw new IngestException(Kind.INTERNAL, "clock_unreadable",
                    "the vector clock in " + file + " cannot be read (" + e.getMessage() + "); restore it or remove it", e);
        }
    }

    private Path fileOf(FileId fileId) {
        return folder.resolve(fileId + SUFFIX);
    }
}
