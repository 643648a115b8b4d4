package io.artstore.ingester.storage.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.formats.CatalogEntryJson;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The file catalogue in a local folder: one {@code <file_id>.json} per file, written durably, all of them
 * loaded into memory at open. Right for one ingester instance; a cluster shares a catalogue elsewhere.
 *
 * <p>Each file holds {@code element_id}, {@code mode} and {@code attributes} (the {@code attr.json} fields).
 */
public final class FileSystemFileCatalog implements FileCatalog {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SUFFIX = ".json";
    private static final String TEMP_FOLDER = ".tmp";
    private static final int LOCK_STRIPES = 64;

    private final Path folder;
    private final Path temp;
    private final ConcurrentMap<FileId, CatalogEntry> entries = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[LOCK_STRIPES];

    private FileSystemFileCatalog(Path folder) {
        this.folder = folder;
        this.temp = folder.resolve(TEMP_FOLDER);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Opens (creating if needed) the catalogue folder and loads every entry.
     *
     * @throws UncheckedIOException when the folder cannot be read or an entry is not valid
     */
    public static FileSystemFileCatalog open(Path folder) {
        Path absolute = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        FileSystemFileCatalog catalog = new FileSystemFileCatalog(absolute);
        try {
            DurableFiles.createFolders(catalog.temp);
            DurableFiles.emptyFolder(catalog.temp);
            catalog.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file catalogue at " + absolute + ": " + e.getMessage(), e);
        }
        return catalog;
    }

    private void load() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                CatalogEntry entry;
                try {
                    entry = CatalogEntryJson.fromJson(MAPPER.readTree(file.toFile()));
                } catch (IOException | RuntimeException e) {
                    throw new IOException("catalogue entry " + file + " cannot be read: " + e.getMessage(), e);
                }
                entries.put(entry.fileId(), entry);
            }
        }
    }

    @Override
    public void put(CatalogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        synchronized (lockFor(entry.fileId())) {
            try {
                DurableFiles.replace(fileOf(entry.fileId()), MAPPER.writeValueAsBytes(CatalogEntryJson.toJson(entry)), temp);
            } catch (IOException e) {
                throw failure("recording file " + entry.fileId(), e);
            }
            entries.put(entry.fileId(), entry);
        }
    }

    /**
     * Atomic on disk, not only in this process: the entry's file is created by a hard link that fails when the name
     * exists, so a {@link #put} (an atomic rename) by any process either comes after and replaces it, or came before
     * and is kept. When the file exists, its content on disk is the answer.
     */
    @Override
    public CatalogEntry putIfAbsent(CatalogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Path file = fileOf(entry.fileId());
        synchronized (lockFor(entry.fileId())) {
            try {
                byte[] json = MAPPER.writeValueAsBytes(CatalogEntryJson.toJson(entry));
                while (true) {
                    if (DurableFiles.createDurably(file, json, temp)) {
                        entries.put(entry.fileId(), entry);
                        return entry;
                    }
                    Optional<CatalogEntry> stored = read(file);
                    if (stored.isPresent()) {
                        entries.put(entry.fileId(), stored.get());
                        return stored.get();
                    }
                    // Removed by another process between the link and the read: the gap is open again.
                }
            } catch (IOException e) {
                throw failure("recording file " + entry.fileId() + " if absent", e);
            }
        }
    }

    private static Optional<CatalogEntry> read(Path file) throws IOException {
        try {
            return Optional.of(CatalogEntryJson.fromJson(MAPPER.readTree(Files.readAllBytes(file))));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new IOException("catalogue entry " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<CatalogEntry> find(FileId fileId) {
        return Optional.ofNullable(entries.get(fileId));
    }

    @Override
    public void remove(FileId fileId) {
        synchronized (lockFor(fileId)) {
            try {
                if (Files.deleteIfExists(fileOf(fileId))) {
                    DurableFiles.forceFolder(folder);
                }
            } catch (IOException e) {
                throw failure("forgetting file " + fileId, e);
            }
            entries.remove(fileId);
        }
    }

    /**
     * Compares the entry on disk, then deletes it, under this process's lock of the file; a {@link #put} by another
     * process sharing the folder between the two is not seen.
     */
    @Override
    public boolean removeIf(CatalogEntry expected) {
        Objects.requireNonNull(expected, "expected");
        FileId fileId = expected.fileId();
        synchronized (lockFor(fileId)) {
            try {
                Optional<CatalogEntry> stored = read(fileOf(fileId));
                if (stored.isEmpty() || !stored.get().equals(expected)) {
                    return false;
                }
                if (Files.deleteIfExists(fileOf(fileId))) {
                    DurableFiles.forceFolder(folder);
                }
            } catch (IOException e) {
                throw failure("forgetting file " + fileId + " if unchanged", e);
            }
            entries.remove(fileId);
            return true;
        }
    }

    @Override
    public long size() {
        return entries.size();
    }

    private Path fileOf(FileId fileId) {
        return folder.resolve(fileId + SUFFIX);
    }

    private Object lockFor(FileId fileId) {
        return locks[Math.floorMod(fileId.hashCode(), locks.length)];
    }

    private IngestException failure(String action, IOException e) {
        return new IngestException(Kind.INTERNAL, "catalog_io_error",
                "the file catalogue at " + folder + " failed while " + action + ": " + e.getMessage(), e);
    }
}
