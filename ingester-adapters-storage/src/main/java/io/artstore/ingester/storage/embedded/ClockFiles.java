package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A folder of vector clocks, one {@code <name>.clock} file each holding the clock's text form, replaced by temp
 * file, fsync and atomic rename so that a crash leaves the old clock or the new one.
 */
final class ClockFiles {

    private static final String SUFFIX = ".clock";
    private static final String TEMP_FOLDER = ".tmp";

    private final Path folder;
    private final Path temp;
    private final String store;

    private ClockFiles(Path folder, String store) {
        this.folder = folder;
        this.temp = folder.resolve(TEMP_FOLDER);
        this.store = store;
    }

    /**
     * Opens (creating if needed) the folder; temporary files a crash left behind are removed.
     *
     * @param store what the folder is, for messages
     * @throws UncheckedIOException when the folder cannot be created or cleared
     */
    static ClockFiles open(Path folder, String store) {
        Path absolute = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        ClockFiles files = new ClockFiles(absolute, store);
        try {
            DurableFiles.createFolders(files.temp);
            DurableFiles.emptyFolder(files.temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the " + store + " folder " + absolute + ": " + e.getMessage(), e);
        }
        return files;
    }

    /**
     * @throws IngestException {@code INTERNAL} when the file cannot be read or does not hold a clock
     */
    Optional<VectorClock> read(String name) {
        Path file = fileOf(name);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("reading " + file, e);
        }
        try {
            return Optional.of(VectorClock.parseSaturating(text.strip()));
        } catch (IllegalArgumentException e) {
            throw new IngestException(Kind.INTERNAL, "clock_unreadable",
                    "the vector clock in " + file + " cannot be read (" + e.getMessage() + "); restore it or remove it", e);
        }
    }

    void write(String name, VectorClock clock) {
        Objects.requireNonNull(clock, "clock");
        Path file = fileOf(name);
        try {
            DurableFiles.replace(file, (clock.toText() + "\n").getBytes(StandardCharsets.UTF_8), temp);
        } catch (IOException e) {
            throw failure("writing " + file, e);
        }
    }

    /** Removes the named clock, durably; nothing happens when there is none. */
    void delete(String name) {
        Path file = fileOf(name);
        try {
            if (Files.deleteIfExists(file)) {
                DurableFiles.forceFolder(folder);
            }
        } catch (IOException e) {
            throw failure("removing " + file, e);
        }
    }

    /** The names of the clocks in the folder. */
    List<String> names() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(SUFFIX))
                    .map(name -> name.substring(0, name.length() - SUFFIX.length())).toList();
        } catch (IOException e) {
            throw failure("listing " + folder, e);
        }
    }

    private Path fileOf(String name) {
        return folder.resolve(name + SUFFIX);
    }

    private IngestException failure(String action, IOException e) {
        return new IngestException(Kind.INTERNAL, "clock_io_error", "the " + store + " failed " + action + ": "
                + e.getMessage(), e);
    }
}
