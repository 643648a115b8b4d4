package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.StorageFileName;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A storage element in memory, for the core's unit tests. It keeps the port's rules as the real elements do
 * (modes, duplicate ids, empty files, metadata read after the stream, nothing left on failure, sidecars,
 * staging) and passes the same contract test. Health and capacity can be set to steer element choice.
 */
public final class InMemoryStorageElement implements StorageElement {

    /** One stored or staged file. */
    private record Held(FileAttributes attributes, byte[] bytes) {}

    private final StorageElementId id;
    private final Mode mode;
    private final int priority;
    private final Clock clock;
    // All state is guarded by this; streams are read before taking it.
    private final Map<FileId, Held> files = new HashMap<>();
    private final Map<FileId, Held> staged = new HashMap<>();
    private final Map<FileId, Map<String, byte[]>> sidecars = new HashMap<>();
    private final Map<FileId, Map<String, byte[]>> stagedSidecars = new HashMap<>();
    private Health health = Health.HEALTHY;
    private final long totalBytes;
    private Optional<Capacity> reportedCapacity = Optional.empty();

    public InMemoryStorageElement(StorageElementId id, Mode mode) {
        this(id, mode, 0, 1L << 40, Clock.systemUTC());
    }

    public InMemoryStorageElement(StorageElementId id, Mode mode, int priority, long totalBytes, Clock clock) {
        this.id = Objects.requireNonNull(id, "id");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.priority = priority;
        this.totalBytes = totalBytes;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static InMemoryStorageElement of(String id, Mode mode) {
        return new InMemoryStorageElement(StorageElementId.of(id), mode);
    }

    /** Makes {@link #describe} report this health from now on. */
    public synchronized InMemoryStorageElement reportHealth(Health value) {
        this.health = Objects.requireNonNull(value, "value");
        return this;
    }

    /** Makes {@link #describe} report these figures from now on, whatever is stored. */
    public synchronized InMemoryStorageElement reportCapacity(Capacity value) {
        this.reportedCapacity = Optional.of(value);
        return this;
    }

    public synchronized int storedCount() {
        return files.size();
    }

    /** What a failed or finished operation should not have left: sidecars of files that are not stored. */
    synchronized List<String> leftovers() {
        List<String> found = new ArrayList<>();
        sidecars.forEach((fileId, bySuffix) -> {
            if (!files.containsKey(fileId) && !bySuffix.isEmpty()) {
                found.add("sidecars " + bySuffix.keySet() + " of file " + fileId + ", which is not stored");
            }
        });
        return found;
    }

    @Override
    public StorageElementId id() {
        return id;
    }

    @Override
    public synchronized StorageElementDescriptor describe() {
        Capacity capacity = reportedCapacity.orElseGet(() -> {
            long used = files.values().stream().mapToLong(held -> held.bytes().length).sum();
            return new Capacity(totalBytes, used, Math.max(0, totalBytes - used));
        });
        return new StorageElementDescriptor(id, mode, priority, health, capacity, "memory:" + id);
    }

    @Override
    public FileAttributes store(StoreRequest request, InputStream content) {
        requireMode(mode.allowsAdd(), "add files to");
        synchronized (this) {
            if (files.containsKey(request.fileId())) {
                throw fileExists(request.fileId());
            }
        }
        Held held = read(request, content);
        synchronized (this) {
            if (files.putIfAbsent(request.fileId(), held) != null) {
                throw fileExists(request.fileId());
            }
        }
        return held.attributes();
    }

    private Held read(StoreRequest request, InputStream content) {
        String storageFilename = StorageFileName.of(request.originalFilename(), request.uploader().username(),
                request.createdAt(), request.fileId());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            content.transferTo(bytes);
        } catch (IOException e) {
            throw new IngestException(Kind.INTERNAL, "content_unreadable",
                    "the content of the file could not be read to its end: " + e.getMessage(), e);
        }
        if (bytes.size() == 0) {
            throw IngestException.invalid("empty_file", "the file is empty; storage elements keep only files of 1 byte or more");
        }
        byte[] data = bytes.toByteArray();
        FileAttributes attributes = new FileAttributes(request.fileId(), request.originalFilename(), storageFilename,
                data.length, request.contentType(), request.createdAt().truncatedTo(ChronoUnit.MICROS),
                clock.instant().truncatedTo(ChronoUnit.MICROS), request.uploader().id(), request.uploader().username(),
                request.uploader().fullname(), request.description(), request.version(),
                StorageFileName.folderOf(request.createdAt()), sha256(data), request.metadata().get());
        return new Held(attributes, data);
    }

    @Override
    public synchronized Optional<FileAttributes> stat(FileId fileId) {
        return Optional.ofNullable(files.get(fileId)).map(Held::attributes);
    }

    @Override
    public synchronized Optional<InputStream> open(FileId fileId) {
        return Optional.ofNullable(files.get(fileId)).map(held -> new ByteArrayInputStream(held.bytes()));
    }

    @Override
    public synchronized boolean delete(FileId fileId) {
        requireMode(mode.allowsDelete(), "delete files from");
        sidecars.remove(fileId);
        return files.remove(fileId) != null;
    }

    @Override
    public synchronized void writeSidecar(FileId fileId, String suffix, byte[] content) {
        requireSuffix(suffix);
        requireMode(mode.allowsMetadataUpdate(), "write files beside stored files on");
        if (!files.containsKey(fileId)) {
            throw IngestException.notFound("file_not_found", "storage element " + id + " holds no file " + fileId);
        }
        sidecars.computeIfAbsent(fileId, key -> new HashMap<>()).put(suffix, content.clone());
    }

    @Override
    public synchronized Optional<byte[]> readSidecar(FileId fileId, String suffix) {
        requireSuffix(suffix);
        if (!files.containsKey(fileId)) {
            return Optional.empty();
        }
        return Optional.ofNullable(sidecars.getOrDefault(fileId, Map.of()).get(suffix)).map(byte[]::clone);
    }

    @Override
    public synchronized boolean deleteSidecar(FileId fileId, String suffix) {
        requireSuffix(suffix);
        requireMode(mode.allowsMetadataUpdate(), "delete files beside stored files on");
        Map<String, byte[]> bySuffix = sidecars.get(fileId);
        return bySuffix != null && bySuffix.remove(suffix) != null;
    }

    @Override
    public FileAttributes stage(StoreRequest request, InputStream content) {
        requireMode(mode.allowsAdd(), "stage files on");
        synchronized (this) {
            Held already = staged.get(request.fileId());
            if (already != null) {
                return already.attributes();
            }
            if (files.containsKey(request.fileId())) {
                throw fileExists(request.fileId());
            }
        }
        Held held = read(request, content);
        synchronized (this) {
            return staged.computeIfAbsent(request.fileId(), key -> held).attributes();
        }
    }

    @Override
    public synchronized void stageSidecar(FileId fileId, String suffix, byte[] content) {
        requireSuffix(suffix);
        if (!staged.containsKey(fileId)) {
            throw IngestException.notFound("file_not_staged", "storage element " + id + " holds no staged copy " + fileId);
        }
        stagedSidecars.computeIfAbsent(fileId, key -> new HashMap<>()).put(suffix, content.clone());
    }

    @Override
    public synchronized Optional<FileAttributes> staged(FileId fileId) {
        return Optional.ofNullable(staged.get(fileId)).map(Held::attributes);
    }

    @Override
    public synchronized FileAttributes publishStaged(FileId fileId) {
        Held stored = files.get(fileId);
        if (stored != null) {
            staged.remove(fileId);
            return stored.attributes();
        }
        Held held = staged.remove(fileId);
        if (held == null) {
            throw IngestException.notFound("file_not_staged",
                    "storage element " + id + " holds neither a staged copy nor a stored file " + fileId);
        }
        Map<String, byte[]> beside = stagedSidecars.remove(fileId);
        if (beside != null) {
            sidecars.computeIfAbsent(fileId, key -> new HashMap<>()).putAll(beside);
        }
        files.put(fileId, held);
        return held.attributes();
    }

    @Override
    public synchronized boolean discardStaged(FileId fileId) {
        stagedSidecars.remove(fileId);
        return staged.remove(fileId) != null;
    }

    @Override
    public FileAttributes stageReplacement(StoreRequest request, InputStream content) {
        requireMode(mode.allowsDelete(), "replace files on");
        Held stored;
        synchronized (this) {
            stored = files.get(request.fileId());
        }
        if (stored == null) {
            throw IngestException.notFound("file_not_found", "storage element " + id + " holds no file " + request.fileId());
        }
        Held held = read(request, content);
        if (!held.attributes().storageFilename().equals(stored.attributes().storageFilename())) {
            throw IngestException.invalid("replacement_mismatch", "the replacement of file " + request.fileId()
                    + " has another storage file name");
        }
        synchronized (this) {
            return staged.computeIfAbsent(request.fileId(), key -> held).attributes();
        }
    }

    @Override
    public synchronized FileAttributes replaceWithStaged(FileId fileId, Sha256 expectedChecksum) {
        requireMode(mode.allowsDelete(), "replace files on");
        Held stored = files.get(fileId);
        if (stored == null) {
            throw IngestException.notFound("file_not_found", "storage element " + id + " holds no file " + fileId);
        }
        Held held = staged.get(fileId);
        if (held == null) {
            if (stored.attributes().checksum().equals(expectedChecksum)) {
                return stored.attributes();
            }
            throw IngestException.notFound("replacement_not_staged", "no staged replacement of file " + fileId);
        }
        if (!held.attributes().checksum().equals(expectedChecksum)) {
            throw IngestException.conflict("replacement_mismatch", "the staged replacement of file " + fileId
                    + " is not the one expected");
        }
        sidecars.computeIfAbsent(fileId, key -> new HashMap<>()).putIfAbsent(REPLACED_SUFFIX, stored.bytes().clone());
        files.put(fileId, held);
        staged.remove(fileId);
        return held.attributes();
    }

    private void requireMode(boolean allowed, String action) {
        if (!allowed) {
            throw IngestException.conflict("wrong_mode", "storage element " + id + " is in mode '" + mode.wireName()
                    + "', which does not allow to " + action + " it");
        }
    }

    private static void requireSuffix(String suffix) {
        if (suffix == null || !suffix.matches("\\.[A-Za-z0-9][A-Za-z0-9._-]{0,31}") || suffix.equals(".attr.json")) {
            throw IngestException.invalid("invalid_sidecar_suffix", "a sidecar suffix looks like '.sig', got '" + suffix + "'");
        }
    }

    private IngestException fileExists(FileId fileId) {
        return IngestException.conflict("file_exists", "storage element " + id + " already holds a file with the id "
                + fileId + "; use a new file id");
    }

    private static Sha256 sha256(byte[] data) {
        try {
            return Sha256.of(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
