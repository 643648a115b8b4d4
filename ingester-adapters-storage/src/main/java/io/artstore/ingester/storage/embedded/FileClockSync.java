package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.out.ClockSync;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Vector clocks in a local folder, one {@code <node>.clock} file per node holding the clock's text form,
 * replaced by temp file, fsync and atomic rename so that a crash leaves the old clock or the new one.
 */
public final class FileClockSync implements ClockSync {

    private static final String SUFFIX = ".clock";
    private static final String TEMP_FOLDER = ".tmp";

    private final Path folder;
    private final Path temp;

    private FileClockSync(Path folder) {
        this.folder = folder;
        this.temp = folder.resolve(TEMP_FOLDER);
    }

    /**
     * Opens (creating if needed) the folder; temporary files a crash left behind are removed.
     *
     * @throws UncheckedIOException when the folder cannot be created or cleared
     */
    public static FileClockSync open(Path folder) {
        Path absolute = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        FileClockSync sync = new FileClockSync(absolute);
        try {
            DurableFiles.createFolders(sync.temp);
            DurableFiles.emptyFolder(sync.temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the clock folder " + absolute + ": " + e.getMessage(), e);
        }
        return sync;
    }

    /**
     * @throws IngestException {@code INTERNAL} when the file cannot be read or does not hold a clock
     */
    @Override
    public Optional<VectorClock> load(NodeId node) {
        Path file = fileOf(node);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("reading " + file, e);
        }
        try {
            return Optional.of(VectorClock.parse(text.strip()));
        } catch (IllegalArgumentException e) {
            throw new IngestException(Kind.INTERNAL, "clock_unreadable",
                    "the vector clock in " + file + " cannot be read (" + e.getMessage() + "); restore it or remove it", e);
        }
    }

    @Override
    public void persist(NodeId node, VectorClock clock) {
        Objects.requireNonNull(clock, "clock");
        Path file = fileOf(node);
        try {
            DurableFiles.replace(file, (clock.toText() + "\n").getBytes(StandardCharsets.UTF_8), temp);
        } catch (IOException e) {
            throw failure("writing " + file, e);
        }
    }

    private Path fileOf(NodeId node) {
        return folder.resolve(Objects.requireNonNull(node, "node").value() + SUFFIX);
    }

    private static IngestException failure(String action, IOException e) {
        return new IngestException(Kind.INTERNAL, "clock_io_error", "the vector clock store failed " + action + ": "
                + e.getMessage(), e);
    }
}
