package io.artstore.ingester.storage.local;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.StorageFileName;
import io.artstore.ingester.core.pipeline.DaemonThreads;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.formats.AttributesJson;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A storage element on a local folder, in the ArtStore disk layout: {@code <base>/YYYY/MM/DD/HH/<storage
 * filename>} with {@code <storage filename>.attr.json} beside it, so that an ArtStore storage element can
 * serve the same folder and a store can be rebuilt from the folder alone.
 *
 * <p>Writes go to {@code <base>/.tmp/} first and are renamed into place once forced to disk: data first,
 * then attributes, because a file counts as stored only once its attributes exist. Staged copies (the add saga's
 * and two-phase commit's) live directly in {@code <base>/.staging/} as {@code <file_id>.data},
 * {@code <file_id>.attr.json} and {@code <file_id>.data<suffix>} for files staged beside them, and survive restarts:
 * one folder for all, so that concurrent stagings share the folder's fsync. A copy staged for publishing next
 * ({@link #stageForPublishing}) skips that fsync: its names become durable in the hour folder when it is published.
 * Copies staged by earlier versions in a folder of their own, {@code <base>/.staging/<file_id>/}, are still found,
 * published and discarded.
 *
 * <p>On {@link #open} the element empties {@code .tmp} (what a crash left half-written), indexes every
 * {@code attr.json}, and removes <em>orphans</em>: files in the hour folders that carry a file id in their
 * name, lie in an hour folder, and have no {@code attr.json} of their own or of a stored file they belong to. Such files are what a
 * crash leaves between the two renames of a store or the removals of a delete; neither was ever (or is still)
 * a stored file. Orphans of a file that is staged are kept, since publishing it may be half done. Other
 * files are not ours: they are logged and left alone.
 *
 * <p>Thread-safe. Streaming runs without locks; only the short rename steps take a lock per file id.
 */
public final class LocalStorageElement implements StorageElement {

    private static final System.Logger LOG = System.getLogger(LocalStorageElement.class.getName());

    static final String TEMP_FOLDER = ".tmp";
    static final String STAGING_FOLDER = ".staging";
    /** The file through which a server locks the element's folder for itself; not a stored file. */
    public static final String LOCK_FILE = ".ingester.lock";
    static final String ATTRIBUTES_SUFFIX = ".attr.json";
    private static final int LOCK_STRIPES = 64;
    private static final Pattern SIDECAR_SUFFIX = Pattern.compile("\\.[A-Za-z0-9][A-Za-z0-9_-]{0,15}(\\.[A-Za-z0-9_-]{1,16})?");
    private static final Pattern HOUR_FOLDER = Pattern.compile("\\d{4}/\\d{2}/\\d{2}/\\d{2}");
    private static final Pattern FILE_ID_IN_NAME =
            Pattern.compile("_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-f-])");

    /** Where a stored file lives. */
    private record Stored(Path folder, String storageFilename, long size) {
        Path data() {
            return folder.resolve(storageFilename);
        }

        Path attributes() {
            return folder.resolve(storageFilename + ATTRIBUTES_SUFFIX);
        }

        Path sidecar(String suffix) {
            return folder.resolve(storageFilename + suffix);
        }
    }

    /** A file written to {@code .tmp} and checked, ready to be renamed into place. */
    private record Prepared(Path data, Path attributes, FileAttributes values) {}

    private final LocalStorageSettings settings;
    private final Clock clock;
    private final Path base;
    private final Path temp;
    private final Path staging;
    private final ConcurrentMap<FileId, Stored> index = new ConcurrentHashMap<>();
    private final AtomicLong usedBytes = new AtomicLong();
    private final Set<FileId> storing = ConcurrentHashMap.newKeySet();
    private final Set<FileId> stagingNow = ConcurrentHashMap.newKeySet();
    /**
     * The suffixes of the files staged beside each copy in the shared staging folder, so that publishing a copy need
     * not list that folder (it holds every upload in flight). Read from the folder at open; a suffix is added before
     * its file is written, so this knows at least every sidecar on disk.
     */
    private final ConcurrentMap<FileId, Set<String>> sharedSidecars = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[LOCK_STRIPES];
    /**
     * The file store of {@link #base}, found once: finding it resolves the path and reads the mount table, on every
     * placement otherwise. Its space figures are read afresh on each call ({@code statfs} of the folder).
     */
    private volatile FileStore store;

    private LocalStorageElement(LocalStorageSettings settings, Clock clock, Path base) {
        this.settings = settings;
        this.clock = clock;
        this.base = base;
        this.temp = base.resolve(TEMP_FOLDER);
        this.staging = base.resolve(STAGING_FOLDER);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Opens (creating if needed) the element's folder, clears what a crash left in {@code .tmp}, and indexes
     * the stored files.
     *
     * @throws UncheckedIOException when the folder cannot be created or read
     */
    public static LocalStorageElement open(LocalStorageSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Path base = settings.path().toAbsolutePath().normalize();
        LocalStorageElement element = new LocalStorageElement(settings, clock, base);
        try {
            DurableFiles.createFolders(element.temp);
            DurableFiles.emptyFolder(element.temp);
            DurableFiles.createFolders(element.staging);
            element.readSharedSidecars();
            element.rebuildIndex();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open storage element " + settings.id() + " at " + base + ": " + e.getMessage(), e);
        }
        return element;
    }

    @Override
    public StorageElementId id() {
        return settings.id();
    }

    /** The element's folder, absolute. */
    public Path path() {
        return base;
    }

    @Override
    public StorageElementDescriptor describe() {
        boolean usable = Files.isDirectory(base) && Files.isWritable(base);
        Capacity capacity;
        try {
            capacity = capacity(fileStore());
        } catch (IOException e) {
            store = null;
            capacity = Capacity.UNKNOWN;
            usable = false;
        }
        return new StorageElementDescriptor(settings.id(), settings.mode(), settings.priority(),
                usable ? Health.HEALTHY : Health.UNAVAILABLE, capacity, base.toString());
    }

    private FileStore fileStore() throws IOException {
        FileStore known = store;
        if (known == null) {
            known = Files.getFileStore(base);
            store = known;
        }
        return known;
    }

    /**
     * Used is whatever of the total this element cannot take files into: its own files, other data on the file
     * system, blocks the file system keeps for root, or quota the file system can no longer back. So used and
     * available always add up to the total.
     */
    private Capacity capacity(FileStore store) throws IOException {
        long total = store.getTotalSpace();
        long usable = store.getUsableSpace();
        if (settings.quotaBytes().isPresent() && settings.quotaBytes().getAsLong() < total) {
            long quota = settings.quotaBytes().getAsLong();
            long available = Math.max(0, Math.min(quota - Math.min(quota, usedBytes.get()), usable));
            return new Capacity(quota, quota - available, available);
        }
        long available = Math.min(usable, total);
        return new Capacity(total, total - available, available);
    }

    // --- Storing ---

    @Override
    public FileAttributes store(StoreRequest request, InputStream content) {
        requireMode(settings.mode().allowsAdd(), "add files to");
        FileId fileId = request.fileId();
        if (index.containsKey(fileId) || !storing.add(fileId)) {
            throw fileExists(fileId);
        }
        try {
            Prepared prepared = prepare(request, content);
            try {
                synchronized (lockFor(fileId)) {
                    if (index.containsKey(fileId)) {
                        throw fileExists(fileId);
                    }
                    claimQuota(prepared.values().fileSize());
                    try {
                        index.put(fileId, moveIntoPlace(prepared.data(), prepared.attributes(), prepared.values()));
                    } catch (RuntimeException e) {
                        usedBytes.addAndGet(-prepared.values().fileSize());
                        throw e;
                    }
                }
                return prepared.values();
            } finally {
                deleteQuietly(prepared.data());
                deleteQuietly(prepared.attributes());
            }
        } finally {
            storing.remove(fileId);
        }
    }

    /**
     * Streams the content into {@code .tmp} and writes its attributes beside it, both forced to disk. The
     * metadata supplier runs only once the content has ended. Nothing is left when it fails.
     */
    private Prepared prepare(StoreRequest request, InputStream content) {
        return prepare(request, data -> copy(content, data));
    }

    /** Puts the content at a new path in {@code .tmp} and tells its size and checksum. */
    @FunctionalInterface
    private interface Filler {
        Digested fill(Path data) throws IOException;
    }

    private Prepared prepare(StoreRequest request, Filler content) {
        String storageFilename = StorageFileName.of(request.originalFilename(), request.uploader().username(),
                request.createdAt(), request.fileId());
        Path data = DurableFiles.tempFileIn(temp, request.fileId() + "-data");
        Path attributes = DurableFiles.tempFileIn(temp, request.fileId() + "-attr");
        boolean prepared = false;
        try {
            Digested digested = content.fill(data);
            if (digested.size() == 0) {
                throw IngestException.invalid("empty_file", "the file is empty; storage elements keep only files of 1 byte or more");
            }
            Map<String, Object> metadata = request.metadata().get();
            FileAttributes values = new FileAttributes(
                    request.fileId(),
                    request.originalFilename(),
                    storageFilename,
                    digested.size(),
                    request.contentType(),
                    AttributesJson.truncate(request.createdAt()),
                    AttributesJson.truncate(clock.instant()),
                    request.uploader().id(),
                    request.uploader().username(),
                    request.uploader().fullname(),
                    request.description(),
                    request.version(),
                    StorageFileName.folderOf(request.createdAt()),
                    digested.checksum(),
                    metadata);
            byte[] json = AttributesJson.toBytes(values);
            if (json.length > AttributesJson.MAX_BYTES) {
                throw IngestException.invalid("attributes_too_large", "the attributes of file " + request.fileId()
                        + " take " + json.length + " bytes as attr.json, more than the " + AttributesJson.MAX_BYTES
                        + " an ArtStore storage element accepts; shorten the metadata, description or file name");
            }
            DurableFiles.writeNew(attributes, json);
            prepared = true;
            // What stat will read back: JSON turns metadata numbers into the narrowest type.
            return new Prepared(data, attributes, AttributesJson.fromBytes(json));
        } catch (IOException e) {
            throw ioFailure("writing file " + request.fileId(), e);
        } finally {
            if (!prepared) {
                deleteQuietly(data);
                deleteQuietly(attributes);
            }
        }
    }

    private record Digested(long size, Sha256 checksum) {}

    /** One hash pass at most, large writes, writeback started early: see {@link ContentWriter}. */
    private Digested copy(InputStream content, Path target) throws IOException {
        ContentWriter.Written written = ContentWriter.write(content, target);
        return new Digested(written.size(), written.checksum());
    }

    /** Renames data, then attributes, into the hour folder; undoes the renames when a step fails. */
    private Stored moveIntoPlace(Path data, Path attributes, FileAttributes values) {
        Stored stored = new Stored(base.resolve(values.storagePath()), values.storageFilename(), values.fileSize());
        List<Path> placed = new ArrayList<>(2);
        try {
            DurableFiles.createFolders(stored.folder());
            if (Files.exists(stored.data()) || Files.exists(stored.attributes())) {
                throw fileExists(values.fileId());
            }
            DurableFiles.moveAtomically(data, stored.data());
            placed.add(stored.data());
            DurableFiles.moveAtomically(attributes, stored.attributes());
            placed.add(0, stored.attributes());
            DurableFiles.forceFolder(stored.folder());
            return stored;
        } catch (IOException e) {
            placed.forEach(LocalStorageElement::deleteQuietly);
            throw ioFailure("placing file " + values.fileId(), e);
        } catch (RuntimeException e) {
            placed.forEach(LocalStorageElement::deleteQuietly);
            throw e;
        }
    }

    private void claimQuota(long size) {
        if (settings.quotaBytes().isEmpty()) {
            usedBytes.addAndGet(size);
            return;
        }
        long quota = settings.quotaBytes().getAsLong();
        long used;
        do {
            used = usedBytes.get();
            if (used + size > quota) {
                throw new IngestException(Kind.INSUFFICIENT_STORAGE, "storage_full", "storage element " + id()
                        + " has " + Math.max(0, quota - used) + " of its " + quota + " bytes left, not the " + size + " the file needs");
            }
        } while (!usedBytes.compareAndSet(used, used + size));
    }

    // --- Reading and deleting ---

    /** The files indexed from the attribute files at open, and stored since. */
    @Override
    public List<FileId> fileIds() {
        return List.copyOf(index.keySet());
    }

    @Override
    public Optional<FileAttributes> stat(FileId fileId) {
        Stored stored = index.get(fileId);
        return stored == null ? Optional.empty() : readAttributes(stored.attributes(), fileId);
    }

    @Override
    public Optional<InputStream> open(FileId fileId) {
        Stored stored = index.get(fileId);
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.newInputStream(stored.data()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ioFailure("opening file " + fileId, e);
        }
    }

    /**
     * Removes the attributes first, then the files beside it (sidecars), then the data, so that a crash
     * half-way leaves an orphan without attributes, which {@link #open} removes, never attributes without data.
     */
    @Override
    public boolean delete(FileId fileId) {
        requireMode(settings.mode().allowsDelete(), "delete files from");
        synchronized (lockFor(fileId)) {
            Stored stored = index.get(fileId);
            if (stored == null) {
                return false;
            }
            try {
                Files.deleteIfExists(stored.attributes());
                index.remove(fileId);
                usedBytes.addAndGet(-stored.size());
                for (Path sidecar : sidecarsOf(stored)) {
                    Files.deleteIfExists(sidecar);
                }
                Optional<FileChannel> held = holdOpen(stored.data());
                Files.deleteIfExists(stored.data());
                DurableFiles.forceFolder(stored.folder());
                held.ifPresent(LocalStorageElement::closeLater);
            } catch (IOException e) {
                throw ioFailure("deleting file " + fileId, e);
            }
            return true;
        }
    }

    /**
     * The data file opened for nothing but its release: the kernel frees a file's pages and blocks when its last name and
     * its last open handle are gone, which for a large cached file takes a while (about a second per GiB under load
     * here). Deleting the name with the file still open removes only the name; {@link #closeLater} frees the rest off
     * the caller's path, which a transfer's commit then need not wait for.
     */
    private static Optional<FileChannel> holdOpen(Path data) {
        try {
            return Optional.of(FileChannel.open(data, StandardOpenOption.READ));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static void closeLater(FileChannel held) {
        RELEASE.execute(() -> {
            try {
                held.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Cannot release a deleted file: {0}", e.getMessage());
            }
        });
    }

    /** Releases the files {@link #delete} removed, one at a time: see {@link #holdOpen}. */
    private static final ExecutorService RELEASE = DaemonThreads.bounded("deleted-file-release", 1);

    private List<Path> sidecarsOf(Stored stored) throws IOException {
        String prefix = stored.storageFilename() + ".";
        String attributes = stored.storageFilename() + ATTRIBUTES_SUFFIX;
        List<Path> sidecars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(stored.folder(), entry -> {
            String name = entry.getFileName().toString();
            return name.startsWith(prefix) && !name.equals(attributes);
        })) {
            entries.forEach(sidecars::add);
        }
        return sidecars;
    }

    // --- Sidecars ---

    @Override
    public void writeSidecar(FileId fileId, String suffix, byte[] content) {
        requireSidecarSuffix(suffix);
        Objects.requireNonNull(content, "content");
        requireMode(settings.mode().allowsMetadataUpdate(), "write files beside stored files on");
        synchronized (lockFor(fileId)) {
            Stored stored = index.get(fileId);
            if (stored == null) {
                throw IngestException.notFound("file_not_found", "storage element " + id() + " holds no file " + fileId);
            }
            try {
                DurableFiles.replace(stored.sidecar(suffix), content, temp);
            } catch (IOException e) {
                throw ioFailure("writing " + suffix + " of file " + fileId, e);
            }
        }
    }

    @Override
    public Optional<byte[]> readSidecar(FileId fileId, String suffix) {
        requireSidecarSuffix(suffix);
        Stored stored = index.get(fileId);
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(stored.sidecar(suffix)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ioFailure("reading " + suffix + " of file " + fileId, e);
        }
    }

    @Override
    public boolean deleteSidecar(FileId fileId, String suffix) {
        requireSidecarSuffix(suffix);
        requireMode(settings.mode().allowsMetadataUpdate(), "delete files beside stored files on");
        synchronized (lockFor(fileId)) {
            Stored stored = index.get(fileId);
            if (stored == null) {
                return false;
            }
            try {
                boolean deleted = Files.deleteIfExists(stored.sidecar(suffix));
                if (deleted) {
                    DurableFiles.forceFolder(stored.folder());
                }
                return deleted;
            } catch (IOException e) {
                throw ioFailure("deleting " + suffix + " of file " + fileId, e);
            }
        }
    }

    private static void requireSidecarSuffix(String suffix) {
        Objects.requireNonNull(suffix, "suffix");
        if (!SIDECAR_SUFFIX.matcher(suffix).matches() || suffix.equals(ATTRIBUTES_SUFFIX)) {
            throw IngestException.invalid("invalid_sidecar_suffix", "a sidecar suffix is a dot and up to two short"
                    + " words of letters, digits, '-' or '_' such as '.sig', and not '" + ATTRIBUTES_SUFFIX + "'; got '" + suffix + "'");
        }
    }

    // --- Staging ---

    @Override
    public FileAttributes stage(StoreRequest request, InputStream content) {
        return stage(request, data -> copy(content, data), false, true);
    }

    /**
     * As {@link #stage}, without the fsync of the staging folder: the data and attributes are forced as always, and
     * {@link #publishStaged} forces their names in the hour folder. A crash before that may lose the staged names;
     * publishing then finds no whole copy and fails with {@code NOT_FOUND}, and the caller undoes its work.
     */
    @Override
    public FileAttributes stageForPublishing(StoreRequest request, InputStream content) {
        return stage(request, data -> copy(content, data), false, false);
    }

    /**
     * Stages the file by a hard link to {@code source}, through the same steps as {@link #stage}: the bytes are not
     * copied, and the source keeps its own name (deleting it later leaves the staged copy whole). Empty, with nothing
     * staged, when the source is on another file system or cannot be linked.
     */
    @Override
    public Optional<FileAttributes> stageFile(StoreRequest request, Path source, long size, Sha256 checksum) {
        return stageFile(request, source, size, checksum, true);
    }

    /** {@link #stageFile} without the fsync of the staging folder, as {@link #stageForPublishing}. */
    @Override
    public Optional<FileAttributes> stageFileForPublishing(StoreRequest request, Path source, long size, Sha256 checksum) {
        return stageFile(request, source, size, checksum, false);
    }

    private Optional<FileAttributes> stageFile(StoreRequest request, Path source, long size, Sha256 checksum, boolean forceNames) {
        try {
            return Optional.of(stage(request, data -> link(source, size, checksum, data), false, forceNames));
        } catch (NotLinkable e) {
            LOG.log(System.Logger.Level.DEBUG, "storage element {0} copies file {1}: {2}", id(), request.fileId(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The source's bytes were forced to disk by whoever wrote them; the link's name is forced with its folder. */
    private static Digested link(Path source, long size, Sha256 checksum, Path data) {
        try {
            if (size <= 0 || Files.size(source) != size) {
                throw new NotLinkable(source + " does not hold exactly " + size + " bytes", null);
            }
            Files.createLink(data, source);
        } catch (IOException | UnsupportedOperationException e) {
            throw new NotLinkable("cannot link " + source + " into " + data.getParent() + ": " + e, e);
        }
        return new Digested(size, checksum);
    }

    @Override
    public Optional<Path> localFile(FileId fileId) {
        return Optional.ofNullable(index.get(fileId)).map(Stored::data);
    }

    /** Copied by the kernel and read back while it copies: see {@link ContentWriter#copy}. */
    @Override
    public Optional<FileAttributes> stageCopy(StoreRequest request, Path source, LongConsumer progress) {
        return Optional.of(stage(request, data -> {
            ContentWriter.Written written = ContentWriter.copy(source, data, progress);
            return new Digested(written.size(), written.checksum());
        }, false, true));
    }

    /** {@link #stageFile} cannot link the source: the caller copies instead. */
    private static final class NotLinkable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotLinkable(String message, Exception cause) {
            super(message, cause);
        }
    }

    /**
     * @param replacing whether the copy is to replace the stored file of its id, which must then exist
     * @param forceNames whether the staged names are durable when this returns (the staging folder forced)
     */
    private FileAttributes stage(StoreRequest request, Filler content, boolean replacing, boolean forceNames) {
        requireMode(settings.mode().allowsAdd(), "stage files on");
        FileId fileId = request.fileId();
        Optional<FileAttributes> already = staged(fileId);
        if (already.isPresent()) {
            return already.get();
        }
        if (index.containsKey(fileId) != replacing) {
            throw replacing ? notStored(fileId) : fileExists(fileId);
        }
        if (!stagingNow.add(fileId)) {
            throw IngestException.conflict("file_busy", "file " + fileId + " is being staged on storage element "
                    + id() + " by another request; retry once it has finished");
        }
        try {
            Prepared prepared = prepare(request, content);
            long quota = settings.quotaBytes().orElse(Long.MAX_VALUE);
            if (usedBytes.get() + prepared.values().fileSize() > quota) {
                deleteQuietly(prepared.data());
                deleteQuietly(prepared.attributes());
                throw new IngestException(Kind.INSUFFICIENT_STORAGE, "storage_full", "storage element " + id()
                        + " has no room within its quota of " + quota + " bytes for " + prepared.values().fileSize() + " more");
            }
            // Data first, then the attributes that make it count as staged; one fsync of the shared folder, shared
            // with the stagings running at the same time, makes both names durable (unless the caller publishes next).
            StagedCopy copy = StagedCopy.shared(staging, fileId);
            synchronized (lockFor(fileId)) {
                try {
                    DurableFiles.moveAtomically(prepared.data(), copy.data());
                    DurableFiles.moveAtomically(prepared.attributes(), copy.attributes());
                    if (forceNames) {
                        DurableFiles.forceFolder(staging);
                    }
                    return prepared.values();
                } catch (IOException | RuntimeException e) {
                    deleteQuietly(prepared.data());
                    deleteQuietly(prepared.attributes());
                    deleteQuietly(copy.attributes());
                    deleteQuietly(copy.data());
                    throw e instanceof IOException io ? ioFailure("staging file " + fileId, io) : (RuntimeException) e;
                }
            }
        } finally {
            stagingNow.remove(fileId);
        }
    }

    @Override
    public Optional<FileAttributes> staged(FileId fileId) {
        return stagedCopy(fileId).flatMap(copy -> readAttributes(copy.attributes(), fileId));
    }

    /** Kept beside the staged copy as {@code <file_id>.data<suffix>} (in an earlier version's folder: its final name). */
    @Override
    public void stageSidecar(FileId fileId, String suffix, byte[] content) {
        requireSidecarSuffix(suffix);
        Objects.requireNonNull(content, "content");
        synchronized (lockFor(fileId)) {
            StagedCopy copy = stagedCopy(fileId).orElseThrow(() -> IngestException.notFound("file_not_staged",
                    "storage element " + id() + " holds no staged copy " + fileId));
            if (copy.folder().equals(staging)) {
                sharedSidecars.computeIfAbsent(fileId, id -> ConcurrentHashMap.newKeySet()).add(suffix);
            }
            try {
                DurableFiles.replace(copy.sidecar(suffix), content, temp);
            } catch (IOException e) {
                throw ioFailure("staging " + suffix + " of file " + fileId, e);
            }
        }
    }

    /**
     * Renames the staged sidecars, then the data, then its attributes, into the hour folder. Each step is skipped
     * when an interrupted earlier call already did it, so calling again after a crash finishes the job; the
     * sidecars go first because the staging folder goes once the file is stored.
     */
    @Override
    public FileAttributes publishStaged(FileId fileId) {
        synchronized (lockFor(fileId)) {
            Stored existing = index.get(fileId);
            if (existing != null) {
                removeStagedLeftovers(fileId);
                return readAttributes(existing.attributes(), fileId).orElseThrow(() -> notStored(fileId));
            }
            StagedCopy copy = stagedCopy(fileId).orElseThrow(() -> IngestException.notFound("file_not_staged",
                    "storage element " + id() + " holds neither a staged copy nor a stored file " + fileId));
            Path stagedAttributes = copy.attributes();
            FileAttributes values = readAttributes(stagedAttributes, fileId).orElseThrow(() -> notStored(fileId));
            Stored stored = new Stored(base.resolve(values.storagePath()), values.storageFilename(), values.fileSize());
            Path stagedData = copy.data();
            try {
                DurableFiles.createFolders(stored.folder());
                for (Path sidecar : sidecarsOf(fileId, copy)) {
                    String suffix = sidecar.getFileName().toString().substring(copy.name().length());
                    DurableFiles.moveAtomically(sidecar, stored.sidecar(suffix));
                }
                if (Files.exists(stagedData)) {
                    DurableFiles.moveAtomically(stagedData, stored.data());
                } else if (!Files.exists(stored.data())) {
                    // Not whole: only a crash that lost the data's unforced name leaves this. Not found, so that the
                    // add saga undoes itself rather than retrying for ever.
                    throw new IngestException(Kind.NOT_FOUND, "staged_copy_broken", "the staged copy of file " + fileId
                            + " on storage element " + id() + " has attributes but no data; discard it and stage again");
                }
                DurableFiles.moveAtomically(stagedAttributes, stored.attributes());
                DurableFiles.forceFolder(stored.folder());
                index.put(fileId, stored);
                // No quota check here: staging checked it, and a commit decision must be carried out.
                usedBytes.addAndGet(stored.size());
            } catch (IOException e) {
                throw ioFailure("publishing staged file " + fileId, e);
            }
            removeStagedLeftovers(fileId);
            sharedSidecars.remove(fileId);
            return values;
        }
    }

    /** The files staged beside a copy: known for the shared staging folder, listed in an earlier version's folder. */
    private List<Path> sidecarsOf(FileId fileId, StagedCopy copy) throws IOException {
        if (!copy.folder().equals(staging)) {
            return copy.sidecars();
        }
        List<Path> sidecars = new ArrayList<>();
        for (String suffix : sharedSidecars.getOrDefault(fileId, Set.of())) {
            Path sidecar = copy.sidecar(suffix);
            if (Files.exists(sidecar)) {
                sidecars.add(sidecar);
            }
        }
        return sidecars;
    }

    /** Which files lie beside the copies in the shared staging folder, as a crash or an earlier run left them. */
    private void readSharedSidecars() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                int dataEnd = name.indexOf(StagedCopy.DATA_SUFFIX + ".");
                if (dataEnd <= 0 || name.endsWith(StagedCopy.DATA_SUFFIX + ATTRIBUTES_SUFFIX)) {
                    continue;
                }
                FileId fileId;
                try {
                    fileId = FileId.parse(name.substring(0, dataEnd));
                } catch (IllegalArgumentException notOurs) {
                    continue;
                }
                String suffix = name.substring(dataEnd + StagedCopy.DATA_SUFFIX.length());
                sharedSidecars.computeIfAbsent(fileId, id -> ConcurrentHashMap.newKeySet()).add(suffix);
            }
        }
    }

    @Override
    public boolean discardStaged(FileId fileId) {
        synchronized (lockFor(fileId)) {
            StagedCopy shared = StagedCopy.shared(staging, fileId);
            Path ownFolder = stagingFolder(fileId);
            boolean wasStaged = stagedCopy(fileId).isPresent();
            try {
                List<Path> files = shared.sidecars();
                if (!Files.exists(ownFolder) && !Files.exists(shared.attributes()) && !Files.exists(shared.data()) && files.isEmpty()) {
                    return false;
                }
                // The attributes first: without them the rest no longer counts as staged, whatever a crash leaves.
                Files.deleteIfExists(shared.attributes());
                for (Path sidecar : files) {
                    Files.deleteIfExists(sidecar);
                }
                Files.deleteIfExists(shared.data());
                DurableFiles.deleteRecursively(ownFolder);
                DurableFiles.forceFolder(staging);
            } catch (IOException e) {
                throw ioFailure("discarding staged file " + fileId, e);
            }
            sharedSidecars.remove(fileId);
            return wasStaged;
        }
    }

    /** What publishing left in the staging folder: the folder of an earlier version's copy; nothing otherwise. */
    private void removeStagedLeftovers(FileId fileId) {
        // Usually nothing is left: look before removing, which costs an exception per missing path otherwise.
        StagedCopy shared = StagedCopy.shared(staging, fileId);
        for (Path leftover : List.of(shared.attributes(), shared.data(), stagingFolder(fileId))) {
            if (Files.exists(leftover)) {
                deleteQuietly(leftover);
            }
        }
    }

    // --- Replacing a stored file ---

    @Override
    public boolean replacesFiles() {
        return settings.mode().allowsDelete();
    }

    /** Staged as any copy, in the shared staging folder, with the stored file's own name and folder in its attributes. */
    @Override
    public FileAttributes stageReplacement(StoreRequest request, InputStream content) {
        requireMode(settings.mode().allowsDelete(), "replace files on");
        FileId fileId = request.fileId();
        Stored stored = index.get(fileId);
        if (stored == null) {
            throw notStored(fileId);
        }
        FileAttributes staged = stage(request, data -> copy(content, data), true, true);
        if (!staged.storageFilename().equals(stored.storageFilename())
                || !base.resolve(staged.storagePath()).equals(stored.folder())) {
            discardStaged(fileId);
            throw IngestException.invalid("replacement_mismatch", "the replacement of file " + fileId + " would be "
                    + staged.storagePath() + staged.storageFilename() + ", not the stored " + stored.data()
                    + "; stage it with the stored file's name, uploader and creation time");
        }
        return staged;
    }

    /**
     * Links the stored bytes to {@code <storage_filename>.replaced}, renames the staged data over the stored data,
     * then the staged attributes over the stored ones. Each step is skipped when an interrupted earlier call did it,
     * so calling again after a crash finishes the job (the data renamed, its attributes not yet, is what a crash
     * between the two renames leaves: the caller's recovery calls again). The lock keeps the element's own store,
     * delete and sidecar writes of the file out while it runs.
     */
    @Override
    public FileAttributes replaceWithStaged(FileId fileId, Sha256 expectedChecksum) {
        requireMode(settings.mode().allowsDelete(), "replace files on");
        synchronized (lockFor(fileId)) {
            Stored stored = index.get(fileId);
            if (stored == null) {
                throw notStored(fileId);
            }
            Optional<StagedCopy> copy = stagedCopy(fileId);
            if (copy.isEmpty()) {
                FileAttributes current = readAttributes(stored.attributes(), fileId).orElseThrow(() -> notStored(fileId));
                if (current.checksum().equals(expectedChecksum)) {
                    return current;
                }
                throw IngestException.notFound("replacement_not_staged", "storage element " + id()
                        + " holds no staged replacement of file " + fileId + " with SHA-256 " + expectedChecksum);
            }
            FileAttributes values = readAttributes(copy.get().attributes(), fileId).orElseThrow(() -> notStored(fileId));
            if (!values.checksum().equals(expectedChecksum) || !values.storageFilename().equals(stored.storageFilename())) {
                throw IngestException.conflict("replacement_mismatch", "the replacement of file " + fileId + " staged on "
                        + id() + " is not the one expected (SHA-256 " + expectedChecksum + ")");
            }
            Path stagedData = copy.get().data();
            Path kept = stored.sidecar(StorageElement.REPLACED_SUFFIX);
            try {
                if (Files.exists(stagedData)) {
                    if (!Files.exists(kept)) {
                        Files.createLink(kept, stored.data());
                    }
                    DurableFiles.moveAtomically(stagedData, stored.data());
                }
                DurableFiles.moveAtomically(copy.get().attributes(), stored.attributes());
                DurableFiles.forceFolder(stored.folder());
            } catch (IOException e) {
                throw ioFailure("replacing file " + fileId, e);
            }
            index.put(fileId, new Stored(stored.folder(), stored.storageFilename(), values.fileSize()));
            usedBytes.addAndGet(values.fileSize() - stored.size());
            removeStagedLeftovers(fileId);
            return values;
        }
    }

    /**
     * Where a staged copy's files are: {@code name} is the data's file name, the attributes are {@code name.attr.json}
     * and files staged beside it {@code name<suffix>}. In the shared staging folder the name is {@code <file_id>.data};
     * in the folder of its own that earlier versions made, it is the storage filename.
     */
    private record StagedCopy(Path folder, String name) {

        static final String DATA_SUFFIX = ".data";

        static StagedCopy shared(Path staging, FileId fileId) {
            return new StagedCopy(staging, fileId + DATA_SUFFIX);
        }

        Path data() {
            return folder.resolve(name);
        }

        Path attributes() {
            return folder.resolve(name + ATTRIBUTES_SUFFIX);
        }

        Path sidecar(String suffix) {
            return folder.resolve(name + suffix);
        }

        /** The files staged beside the copy. */
        List<Path> sidecars() throws IOException {
            String prefix = name + ".";
            String attributes = name + ATTRIBUTES_SUFFIX;
            List<Path> sidecars = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, entry -> {
                String entryName = entry.getFileName().toString();
                return entryName.startsWith(prefix) && !entryName.equals(attributes);
            })) {
                entries.forEach(sidecars::add);
            } catch (NoSuchFileException e) {
                return List.of();
            }
            return sidecars;
        }
    }

    /** The folder of a copy staged by an earlier version. */
    private Path stagingFolder(FileId fileId) {
        return staging.resolve(fileId.toString());
    }

    /** The staged copy whose attributes exist: in the shared staging folder, or in an earlier version's folder. */
    private Optional<StagedCopy> stagedCopy(FileId fileId) {
        StagedCopy shared = StagedCopy.shared(staging, fileId);
        if (Files.exists(shared.attributes())) {
            return Optional.of(shared);
        }
        Path folder = stagingFolder(fileId);
        if (!Files.exists(folder)) {
            // Earlier versions' layout, rarely there: an existence check is cheaper than the listing's exception.
            return Optional.empty();
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder,
                entry -> entry.getFileName().toString().endsWith(ATTRIBUTES_SUFFIX))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                return Optional.of(new StagedCopy(folder, name.substring(0, name.length() - ATTRIBUTES_SUFFIX.length())));
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ioFailure("looking for staged file " + fileId, e);
        }
    }

    /** Whether anything of the file is staged, in either layout (publishing it may be half done). */
    private boolean stagedAnything(String fileId) {
        return Files.exists(staging.resolve(fileId)) || Files.exists(staging.resolve(fileId + StagedCopy.DATA_SUFFIX + ATTRIBUTES_SUFFIX))
                || Files.exists(staging.resolve(fileId + StagedCopy.DATA_SUFFIX));
    }

    // --- Index ---

    private void rebuildIndex() throws IOException {
        Map<Path, List<String>> folders = new LinkedHashMap<>();
        Files.walkFileTree(base, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                boolean hidden = !dir.equals(base) && dir.getFileName().toString().startsWith(".");
                return hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                boolean lockFile = file.getParent().equals(base) && file.getFileName().toString().equals(LOCK_FILE);
                if (attributes.isRegularFile() && !lockFile) {
                    folders.computeIfAbsent(file.getParent(), folder -> new ArrayList<>()).add(file.getFileName().toString());
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Map.Entry<Path, List<String>> folder : folders.entrySet()) {
            indexFolder(folder.getKey(), folder.getValue());
        }
    }

    private void indexFolder(Path folder, List<String> names) throws IOException {
        Set<String> present = new HashSet<>(names);
        Set<String> owners = new HashSet<>();
        for (String name : names) {
            if (name.endsWith(ATTRIBUTES_SUFFIX)) {
                String storageFilename = name.substring(0, name.length() - ATTRIBUTES_SUFFIX.length());
                owners.add(storageFilename);
                indexFile(folder, storageFilename, present);
            }
        }
        boolean removed = false;
        for (String name : names) {
            if (name.endsWith(ATTRIBUTES_SUFFIX) || ownedBy(name, owners)) {
                continue;
            }
            Matcher fileIds = FILE_ID_IN_NAME.matcher(name);
            String lastId = null;
            while (fileIds.find()) {
                lastId = fileIds.group(1);
            }
            boolean hourFolder = HOUR_FOLDER.matcher(base.relativize(folder).toString().replace('\\', '/')).matches();
            if (lastId == null || !hourFolder) {
                LOG.log(Level.WARNING, "Storage element {0}: {1} is not an ArtStore file; left in place",
                        id(), folder.resolve(name));
            } else if (stagedAnything(lastId)) {
                LOG.log(Level.WARNING, "Storage element {0}: {1} has no attributes but file {2} is staged; kept until"
                        + " the staged copy is published or discarded", id(), folder.resolve(name), lastId);
            } else {
                LOG.log(Level.WARNING, "Storage element {0}: removing {1}, left without attributes by an interrupted"
                        + " store or delete", id(), folder.resolve(name));
                Files.deleteIfExists(folder.resolve(name));
                removed = true;
            }
        }
        if (removed) {
            DurableFiles.forceFolder(folder);
        }
    }

    private void indexFile(Path folder, String storageFilename, Set<String> present) {
        Path attributesFile = folder.resolve(storageFilename + ATTRIBUTES_SUFFIX);
        FileAttributes values;
        try {
            values = AttributesJson.fromBytes(Files.readAllBytes(attributesFile));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Storage element {0}: cannot read {1}; its file is not served: {2}",
                    id(), attributesFile, e.getMessage());
            return;
        }
        if (!present.contains(storageFilename)) {
            LOG.log(Level.WARNING, "Storage element {0}: {1} has no data file beside it; its file is not served",
                    id(), attributesFile);
            return;
        }
        Stored stored = new Stored(folder, storageFilename, values.fileSize());
        Stored earlier = index.putIfAbsent(values.fileId(), stored);
        if (earlier != null) {
            LOG.log(Level.WARNING, "Storage element {0}: file {1} is stored twice, at {2} and {3}; serving the first",
                    id(), values.fileId(), earlier.data(), stored.data());
            return;
        }
        usedBytes.addAndGet(values.fileSize());
    }

    /** Whether the name is a stored file's data or a file beside it ({@code <storage filename>.<suffix>}). */
    private static boolean ownedBy(String name, Set<String> owners) {
        if (owners.contains(name)) {
            return true;
        }
        for (int dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
            if (owners.contains(name.substring(0, dot))) {
                return true;
            }
        }
        return false;
    }

    // --- Helpers ---

    private Optional<FileAttributes> readAttributes(Path file, FileId fileId) {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ioFailure("reading the attributes of file " + fileId, e);
        }
        try {
            return Optional.of(AttributesJson.fromBytes(json));
        } catch (RuntimeException e) {
            throw new IngestException(Kind.INTERNAL, "attributes_unreadable", "the attributes of file " + fileId
                    + " on storage element " + id() + " at " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private Object lockFor(FileId fileId) {
        return locks[Math.floorMod(fileId.hashCode(), locks.length)];
    }

    private void requireMode(boolean allowed, String action) {
        if (!allowed) {
            throw IngestException.conflict("wrong_mode", "storage element " + id() + " is in mode '"
                    + settings.mode().wireName() + "', which does not allow to " + action + " it");
        }
    }

    private IngestException fileExists(FileId fileId) {
        return IngestException.conflict("file_exists", "storage element " + id() + " already holds a file with the id "
                + fileId + "; use a new file id");
    }

    private IngestException notStored(FileId fileId) {
        return IngestException.notFound("file_not_found", "storage element " + id() + " holds no file " + fileId);
    }

    private IngestException ioFailure(String action, IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("No space left on device")) {
            return new IngestException(Kind.INSUFFICIENT_STORAGE, "storage_full",
                    "storage element " + id() + " at " + base + " ran out of disk space while " + action, e);
        }
        return new IngestException(Kind.INTERNAL, "storage_io_error",
                "storage element " + id() + " at " + base + " failed while " + action + ": " + message, e);
    }

    private static void deleteQuietly(Path path) {
        try {
            DurableFiles.deleteRecursively(path);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot remove {0}: {1}", path, e.getMessage());
        }
    }
}
