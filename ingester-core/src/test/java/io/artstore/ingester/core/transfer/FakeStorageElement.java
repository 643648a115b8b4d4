package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.StorageFileName;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A storage element in memory with native staging and sidecars. Every call passes through {@link Faults}
 * under the name {@code <id>.<method>}; reading an opened file passes {@code <id>.read} once.
 */
public final class FakeStorageElement implements StorageElement {

    private record Held(FileAttributes attributes, byte[] bytes) {}

    private final StorageElementId id;
    private final Mode mode;
    private final Faults faults;
    private final Clock clock;
    private final Map<FileId, Held> files = new HashMap<>();
    private final Map<FileId, Held> staged = new HashMap<>();
    private final Map<FileId, Map<String, byte[]>> sidecars = new HashMap<>();
    private volatile long capacityBytes = 1L << 30;
    private volatile Health health = Health.HEALTHY;
    private volatile boolean corruptStaging;
    private volatile Runnable beforeStage = () -> {};
    private volatile Runnable beforeDelete = () -> {};

    public FakeStorageElement(String id, Mode mode, Faults faults, Clock clock) {
        this.id = StorageElementId.of(id);
        this.mode = mode;
        this.faults = faults;
        this.clock = clock;
    }

    // --- test controls ---

    public FakeStorageElement capacity(long bytes) {
        capacityBytes = bytes;
        return this;
    }

    public FakeStorageElement health(Health newHealth) {
        health = newHealth;
        return this;
    }

    /** Staged copies get one byte flipped, as a faulty disk or network would leave them. */
    public FakeStorageElement corruptStaging(boolean corrupt) {
        corruptStaging = corrupt;
        return this;
    }

    /** Runs at the start of each {@link #stage}, e.g. to hold a transfer half-way. */
    public FakeStorageElement beforeStage(Runnable hook) {
        beforeStage = hook;
        return this;
    }

    /** Runs at the start of each {@link #delete}, e.g. to hold a delete half-way. */
    public FakeStorageElement beforeDelete(Runnable hook) {
        beforeDelete = hook;
        return this;
    }

    /** Loses the file, staged and stored, and its sidecars: an operator or a disk did it. */
    public synchronized void vanish(FileId fileId) {
        files.remove(fileId);
        staged.remove(fileId);
        sidecars.remove(fileId);
    }

    public synchronized boolean holds(FileId fileId) {
        return files.containsKey(fileId);
    }

    public synchronized Optional<byte[]> bytes(FileId fileId) {
        return Optional.ofNullable(files.get(fileId)).map(held -> held.bytes().clone());
    }

    public synchronized int stagedCount() {
        return staged.size();
    }

    public synchronized int sidecarCount() {
        return sidecars.values().stream().mapToInt(Map::size).sum();
    }

    // --- the port ---

    @Override
    public StorageElementId id() {
        return id;
    }

    @Override
    public synchronized StorageElementDescriptor describe() {
        long used = files.values().stream().mapToLong(held -> held.bytes().length).sum()
                + staged.values().stream().mapToLong(held -> held.bytes().length).sum();
        long total = capacityBytes;
        return new StorageElementDescriptor(id, mode, 0, health, new Capacity(total, used, Math.max(0, total - used)),
                "memory:" + id);
    }

    @Override
    public FileAttributes store(StoreRequest request, InputStream content) {
        return faults.around(id + ".store", () -> {
            byte[] bytes = readAll(content);
            synchronized (this) {
                if (files.containsKey(request.fileId())) {
                    throw new IngestException(IngestException.Kind.INTERNAL, "duplicate_file_id", "already stored");
                }
                Held held = new Held(attributes(request, bytes), bytes);
                files.put(request.fileId(), held);
                return held.attributes();
            }
        });
    }

    @Override
    public Optional<FileAttributes> stat(FileId fileId) {
        return faults.around(id + ".stat", () -> {
            synchronized (this) {
                return Optional.ofNullable(files.get(fileId)).map(Held::attributes);
            }
        });
    }

    @Override
    public Optional<InputStream> open(FileId fileId) {
        return faults.around(id + ".open", () -> {
            byte[] bytes;
            synchronized (this) {
                Held held = files.get(fileId);
                if (held == null) {
                    return Optional.<InputStream>empty();
                }
                bytes = held.bytes();
            }
            return Optional.<InputStream>of(new FilterInputStream(new ByteArrayInputStream(bytes)) {
                private boolean started;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (!started) {
                        started = true;
                        faults.around(id + ".read", () -> {});
                    }
                    return super.read(b, off, len);
                }
            });
        });
    }

    @Override
    public boolean delete(FileId fileId) {
        return faults.around(id + ".delete", () -> {
            beforeDelete.run();
            synchronized (this) {
                if (!mode.allowsDelete()) {
                    throw IngestException.conflict("wrong_mode", id + " is in mode " + mode + " and deletes nothing");
                }
                return files.remove(fileId) != null;
            }
        });
    }

    @Override
    public void writeSidecar(FileId fileId, String suffix, byte[] content) {
        faults.around(id + ".writeSidecar", () -> {
            synchronized (this) {
                if (!files.containsKey(fileId)) {
                    throw IngestException.notFound("file_not_found", fileId + " is not stored on " + id);
                }
                sidecars.computeIfAbsent(fileId, key -> new HashMap<>()).put(suffix, content.clone());
            }
        });
    }

    @Override
    public Optional<byte[]> readSidecar(FileId fileId, String suffix) {
        return faults.around(id + ".readSidecar", () -> {
            synchronized (this) {
                return Optional.ofNullable(sidecars.getOrDefault(fileId, Map.of()).get(suffix)).map(byte[]::clone);
            }
        });
    }

    @Override
    public boolean deleteSidecar(FileId fileId, String suffix) {
        return faults.around(id + ".deleteSidecar", () -> {
            synchronized (this) {
                Map<String, byte[]> beside = sidecars.get(fileId);
                boolean removed = beside != null && beside.remove(suffix) != null;
                if (beside != null && beside.isEmpty()) {
                    sidecars.remove(fileId);
                }
                return removed;
            }
        });
    }

    @Override
    public FileAttributes stage(StoreRequest request, InputStream content) {
        return faults.around(id + ".stage", () -> {
            beforeStage.run();
            byte[] bytes = readAll(content);
            if (corruptStaging) {
                bytes[0] ^= 1;
            }
            synchronized (this) {
                if (files.containsKey(request.fileId())) {
                    throw IngestException.conflict("already_stored", request.fileId() + " is already stored on " + id);
                }
                Held existing = staged.get(request.fileId());
                if (existing != null) {
                    return existing.attributes();
                }
                Held held = new Held(attributes(request, bytes), bytes);
                staged.put(request.fileId(), held);
                return held.attributes();
            }
        });
    }

    @Override
    public Optional<FileAttributes> staged(FileId fileId) {
        return faults.around(id + ".staged", () -> {
            synchronized (this) {
                return Optional.ofNullable(staged.get(fileId)).map(Held::attributes);
            }
        });
    }

    @Override
    public FileAttributes publishStaged(FileId fileId) {
        return faults.around(id + ".publishStaged", () -> {
            synchronized (this) {
                Held held = staged.remove(fileId);
                if (held != null) {
                    files.put(fileId, held);
                    return held.attributes();
                }
                Held stored = files.get(fileId);
                if (stored != null) {
                    return stored.attributes();
                }
                throw IngestException.notFound("file_not_found", "nothing staged or stored under " + fileId + " on " + id);
            }
        });
    }

    @Override
    public boolean discardStaged(FileId fileId) {
        return faults.around(id + ".discardStaged", () -> {
            synchronized (this) {
                return staged.remove(fileId) != null;
            }
        });
    }

    private FileAttributes attributes(StoreRequest request, byte[] bytes) {
        return new FileAttributes(request.fileId(), request.originalFilename(),
                StorageFileName.of(request.originalFilename(), request.uploader().username(), request.createdAt(), request.fileId()),
                bytes.length, request.contentType(), request.createdAt(), clock.instant(), request.uploader().id(),
                request.uploader().username(), request.uploader().fullname(), request.description(), request.version(),
                StorageFileName.folderOf(request.createdAt()), sha256(bytes), request.metadata().get());
    }

    static Sha256 sha256(byte[] bytes) {
        try {
            return Sha256.of(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream content) {
        try (content) {
            return content.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
