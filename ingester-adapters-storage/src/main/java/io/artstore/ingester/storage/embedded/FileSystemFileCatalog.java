package io.artstore.ingester.storage.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.formats.CatalogEntryJson;
import io.artstore.ingester.storage.fs.DurableFiles;
import io.artstore.ingester.storage.fs.Fsync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file catalogue in a local folder: an append-only log, {@code catalog.log}, of CRC-checked records (an entry
 * put, or a file removed), all of them replayed into memory at open. Right for one ingester instance; a cluster
 * shares a catalogue elsewhere.
 *
 * <p>Appends of concurrent writers share their {@code fdatasync} (group commit, as the saga log's do): a write
 * returns once a force that began after its record was written has ended. Memory is updated in the order of the
 * log, under the lock that orders the records, so a record is visible to {@link #find} from the moment it is
 * written; a call that changes or decides on an entry returns only once the record it relies on is durable.
 *
 * <p>One process owns the folder: {@link #open} locks the log and refuses a folder another catalogue holds, so
 * {@link #putIfAbsent} and {@link #removeIf}, decided on memory under that lock, are atomic against every writer.
 * A crash can leave the last record torn; it is cut off at the next open (the record was never acknowledged).
 * The log is rewritten with one record per entry when removed or replaced records outnumber the live ones.
 * Catalogues of earlier versions (one {@code <file_id>.json} per file) are moved into the log at open.
 */
public final class FileSystemFileCatalog implements FileCatalog, AutoCloseable {

    static final String LOG_FILE = "catalog.log";
    static final FramedLogFile.Format FORMAT = new FramedLogFile.Format("catalogue log",
            "ARTCAT01".getBytes(StandardCharsets.US_ASCII), true, 16 * 1024 * 1024);
    /** Dead records tolerated before a rewrite, however few entries are live. */
    static final long COMPACT_AFTER_DEAD = 10_000;

    private static final System.Logger LOG = System.getLogger(FileSystemFileCatalog.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String LEGACY_SUFFIX = ".json";
    private static final String LEGACY_TEMP_FOLDER = ".tmp";

    private final Path folder;
    private final FramedLogFile log;
    private final long compactAfterDead;
    private final ConcurrentMap<FileId, CatalogEntry> entries = new ConcurrentHashMap<>();
    /** Orders the records and the changes of memory. */
    private final Object writeLock = new Object();
    /** Records in the log; changed under {@link #writeLock}. */
    private long records;
    /** Records written so far (a sequence number), and how many of them are known durable. */
    private long written;
    private final AtomicLong durable = new AtomicLong();

    private FileSystemFileCatalog(Path folder, FramedLogFile log, long compactAfterDead) {
        this.folder = folder;
        this.log = log;
        this.compactAfterDead = compactAfterDead;
    }

    /**
     * Opens (creating if needed) the catalogue folder, takes it for this process and loads every entry.
     *
     * @throws IngestException {@code catalog_in_use} when another catalogue (in this process or another) holds it
     * @throws UncheckedIOException when the folder cannot be read or the log is damaged
     */
    public static FileSystemFileCatalog open(Path folder) {
        return open(folder, FramedLogFile.Faults.NONE, Fsync.REAL, COMPACT_AFTER_DEAD);
    }

    /** {@link #open(Path)} with the log's crash points, its forces and its rewrite threshold replaceable, for tests. */
    static FileSystemFileCatalog open(Path folder, FramedLogFile.Faults faults, Fsync fsync, long compactAfterDead) {
        Path absolute = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        FramedLogFile log = null;
        try {
            DurableFiles.createFolders(absolute);
            Path logPath = absolute.resolve(LOG_FILE);
            boolean created = !Files.exists(logPath);
            log = FramedLogFile.openOwn(logPath, FORMAT, faults, fsync).orElseThrow(() -> new IngestException(Kind.CONFLICT,
                    "catalog_in_use", "the file catalogue at " + absolute + " is open in another process or catalogue"));
            if (created) {
                DurableFiles.forceFolder(absolute);
            }
            FileSystemFileCatalog catalog = new FileSystemFileCatalog(absolute, log, compactAfterDead);
            catalog.load();
            return catalog;
        } catch (IOException e) {
            closeQuietly(log);
            throw new UncheckedIOException("cannot open the file catalogue at " + absolute + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(log);
            throw e;
        }
    }

    private void load() throws IOException {
        for (FramedLogFile.Frame frame : log.readNew(true, false)) {
            JsonNode record;
            try {
                record = MAPPER.readTree(frame.body());
                apply(record);
            } catch (IOException | RuntimeException e) {
                throw new CorruptLogException(FORMAT.name(), log.path(), frame.offset(),
                        "a record that is not a catalogue record: " + e.getMessage());
            }
            records++;
        }
        if (log.cutBytes() > 0) {
            LOG.log(System.Logger.Level.WARNING, "Catalogue log {0}: cut off a torn last record of {1} bytes, left by a"
                    + " crash while it was written", log.path(), log.cutBytes());
        }
        moveLegacyEntries();
        if (shouldCompact()) {
            compact();
        }
    }

    private void apply(JsonNode record) {
        if (record.has("put")) {
            CatalogEntry entry = CatalogEntryJson.fromJson(record.get("put"));
            entries.put(entry.fileId(), entry);
        } else if (record.has("remove")) {
            entries.remove(FileId.parse(record.get("remove").asText()));
        } else {
            throw new IllegalArgumentException("neither put nor remove");
        }
    }

    /**
     * Entry files of an earlier version: written into the log as one snapshot (an atomic rename), then deleted. Files
     * found beside a log that has records are what a crash left of such a move, already in the log.
     */
    private void moveLegacyEntries() throws IOException {
        List<Path> legacy = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + LEGACY_SUFFIX)) {
            files.forEach(legacy::add);
        }
        if (!legacy.isEmpty() && records == 0) {
            for (Path file : legacy) {
                CatalogEntry entry;
                try {
                    entry = CatalogEntryJson.fromJson(MAPPER.readTree(file.toFile()));
                } catch (IOException | RuntimeException e) {
                    throw new IOException("catalogue entry " + file + " cannot be read: " + e.getMessage(), e);
                }
                entries.put(entry.fileId(), entry);
            }
            compact();
        }
        for (Path file : legacy) {
            Files.deleteIfExists(file);
        }
        Path temp = folder.resolve(LEGACY_TEMP_FOLDER);
        DurableFiles.deleteRecursively(temp);
        if (!legacy.isEmpty()) {
            DurableFiles.forceFolder(folder);
        }
    }

    @Override
    public void put(CatalogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        long mine;
        synchronized (writeLock) {
            mine = append(putRecord(entry), "recording file " + entry.fileId());
            entries.put(entry.fileId(), entry);
        }
        awaitDurable(mine, "recording file " + entry.fileId());
    }

    /** Atomic against every writer: one process owns the catalogue, and the check and the record are under one lock. */
    @Override
    public CatalogEntry putIfAbsent(CatalogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        CatalogEntry stored;
        long needed;
        synchronized (writeLock) {
            CatalogEntry existing = entries.get(entry.fileId());
            if (existing == null) {
                needed = append(putRecord(entry), "recording file " + entry.fileId() + " if absent");
                entries.put(entry.fileId(), entry);
                stored = entry;
            } else {
                // The entry found may have been written a moment ago and not yet forced: answer it once it is durable.
                needed = written;
                stored = existing;
            }
        }
        awaitDurable(needed, "recording file " + entry.fileId() + " if absent");
        return stored;
    }

    @Override
    public Optional<CatalogEntry> find(FileId fileId) {
        return Optional.ofNullable(entries.get(fileId));
    }

    @Override
    public void remove(FileId fileId) {
        Objects.requireNonNull(fileId, "fileId");
        long needed;
        synchronized (writeLock) {
            needed = entries.containsKey(fileId) ? append(removeRecord(fileId), "forgetting file " + fileId) : written;
            entries.remove(fileId);
        }
        // Also when nothing was written: a removal another caller wrote a moment ago must be durable before this returns.
        awaitDurable(needed, "forgetting file " + fileId);
    }

    @Override
    public boolean removeIf(CatalogEntry expected) {
        Objects.requireNonNull(expected, "expected");
        FileId fileId = expected.fileId();
        long needed;
        boolean removed;
        synchronized (writeLock) {
            removed = expected.equals(entries.get(fileId));
            needed = removed ? append(removeRecord(fileId), "forgetting file " + fileId + " if unchanged") : written;
            if (removed) {
                entries.remove(fileId);
            }
        }
        awaitDurable(needed, "forgetting file " + fileId + " if unchanged");
        return removed;
    }

    @Override
    public long size() {
        return entries.size();
    }

    /** Releases the folder; the catalogue takes no more writes. */
    @Override
    public void close() {
        synchronized (writeLock) {
            closeQuietly(log);
        }
    }

    /** Writes one record, not yet forced, under {@link #writeLock}; returns its sequence number. */
    private long append(byte[] record, String action) {
        try {
            if (shouldCompact()) {
                compact();
            }
            log.write(record);
        } catch (IOException e) {
            throw failure(action, e);
        }
        records++;
        return ++written;
    }

    /** Returns once record {@code sequence} and every one before it are on disk; shares the force with other writers. */
    private void awaitDurable(long sequence, String action) {
        if (durable.get() >= sequence) {
            return;
        }
        try {
            log.sync();
        } catch (IOException e) {
            throw failure(action, e);
        }
        durable.accumulateAndGet(sequence, Math::max);
    }

    private boolean shouldCompact() {
        long dead = records - entries.size();
        return dead > compactAfterDead && dead > entries.size();
    }

    /** Rewrites the log as one put per entry (forced, renamed over the log, the folder forced). */
    private void compact() throws IOException {
        Map<FileId, CatalogEntry> snapshot = new HashMap<>(entries);
        List<byte[]> bodies = new ArrayList<>(snapshot.size());
        for (CatalogEntry entry : snapshot.values()) {
            bodies.add(putRecord(entry));
        }
        log.replaceWith(bodies);
        records = bodies.size();
        durable.accumulateAndGet(written, Math::max);
    }

    private static byte[] putRecord(CatalogEntry entry) {
        ObjectNode record = MAPPER.createObjectNode();
        record.set("put", CatalogEntryJson.toJson(entry));
        return bytes(record);
    }

    private static byte[] removeRecord(FileId fileId) {
        ObjectNode record = MAPPER.createObjectNode();
        record.put("remove", fileId.toString());
        return bytes(record);
    }

    private static byte[] bytes(ObjectNode record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(FramedLogFile log) {
        if (log == null) {
            return;
        }
        try {
            log.close();
        } catch (IOException ignored) {
            // Closing releases the lock; nothing was pending that a failure here could lose.
        }
    }

    private IngestException failure(String action, IOException e) {
        return new IngestException(Kind.INTERNAL, "catalog_io_error",
                "the file catalogue at " + folder + " failed while " + action + ": " + e.getMessage(), e);
    }
}
