package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.testing.Faults;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * Wraps any {@link StorageElement} so that its every call passes through {@link Faults} as {@code <id>.<method>}
 * (reading an opened file passes {@code <id>.read} once), with hooks to hold a call half-way, to damage staged
 * copies and to change what the element reports about itself. The inspection helpers below ask the wrapped
 * element through its port and bypass the faults; {@link #restart} swaps in a freshly built adapter over the
 * same storage, as a restarted process would have.
 */
public final class FaultInjectingStorageElement implements StorageElement {

    private final Faults faults;
    private final String name;
    private final StorageElementId id;
    private volatile StorageElement element;
    private volatile boolean corruptStaging;
    private volatile long stageReadsAtMost = Long.MAX_VALUE;
    private volatile Optional<Capacity> capacity = Optional.empty();
    private volatile Optional<Health> health = Optional.empty();
    private volatile Runnable beforeStage = () -> {};
    private volatile Runnable beforeDelete = () -> {};

    public FaultInjectingStorageElement(StorageElement element, Faults faults) {
        this.element = Objects.requireNonNull(element, "element");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.id = element.id();
        this.name = id.value();
    }

    // --- test controls ---

    /**
     * From now on, calls go to {@code freshAdapter}: a new adapter of the same element over the same storage, as
     * a restarted process builds it. Hooks, overrides and the fault numbering stay.
     */
    public void restart(StorageElement freshAdapter) {
        if (!freshAdapter.id().equals(id)) {
            throw new IllegalArgumentException("a restart keeps the element " + id + ", got " + freshAdapter.id());
        }
        element = freshAdapter;
    }

    /** The adapter calls go to now. */
    public StorageElement underlying() {
        return element;
    }

    /** Makes the element report only this much space, all of it free. */
    public FaultInjectingStorageElement capacity(long bytes) {
        capacity = Optional.of(new Capacity(bytes, 0, bytes));
        return this;
    }

    /** Makes the element report this health, whatever the wrapped one says. */
    public FaultInjectingStorageElement health(Health value) {
        health = Optional.of(value);
        return this;
    }

    /** Staged copies get their first byte flipped, as a faulty disk or network would leave them. */
    public FaultInjectingStorageElement corruptStaging(boolean corrupt) {
        corruptStaging = corrupt;
        return this;
    }

    /** Staging stops reading the content after this many bytes and stages what it read, as a broken element would. */
    public FaultInjectingStorageElement stageReadsAtMost(long bytes) {
        stageReadsAtMost = bytes;
        return this;
    }

    /** Runs at the start of each {@link #stage}, e.g. to hold a transfer half-way. */
    public FaultInjectingStorageElement beforeStage(Runnable hook) {
        beforeStage = hook;
        return this;
    }

    /** Runs at the start of each {@link #delete}, e.g. to hold a delete half-way. */
    public FaultInjectingStorageElement beforeDelete(Runnable hook) {
        beforeDelete = hook;
        return this;
    }

    /** Loses the staged copy, as an operator or a disk might. */
    public void loseStaged(FileId fileId) {
        element.discardStaged(fileId);
    }

    public boolean holds(FileId fileId) {
        return element.stat(fileId).isPresent();
    }

    public boolean holdsStaged(FileId fileId) {
        return element.staged(fileId).isPresent();
    }

    public Optional<byte[]> bytes(FileId fileId) {
        return element.open(fileId).map(FaultInjectingStorageElement::readAll);
    }

    public Optional<byte[]> sidecar(FileId fileId, String suffix) {
        return element.readSidecar(fileId, suffix);
    }

    // --- the port ---

    @Override
    public StorageElementId id() {
        return id;
    }

    @Override
    public StorageElementDescriptor describe() {
        StorageElementDescriptor described = element.describe();
        Optional<Capacity> reportedCapacity = capacity;
        Optional<Health> reportedHealth = health;
        if (reportedCapacity.isPresent()) {
            described = described.withCapacity(reportedCapacity.get());
        }
        if (reportedHealth.isPresent()) {
            described = described.withHealth(reportedHealth.get());
        }
        return described;
    }

    @Override
    public FileAttributes store(StoreRequest request, InputStream content) {
        return faults.around(name + ".store", () -> element.store(request, content));
    }

    @Override
    public Optional<FileAttributes> stat(FileId fileId) {
        return faults.around(name + ".stat", () -> element.stat(fileId));
    }

    @Override
    public Optional<InputStream> open(FileId fileId) {
        return faults.around(name + ".open", () -> element.open(fileId).map(this::faultOnFirstRead));
    }

    @Override
    public boolean delete(FileId fileId) {
        return faults.around(name + ".delete", () -> {
            beforeDelete.run();
            return element.delete(fileId);
        });
    }

    @Override
    public void writeSidecar(FileId fileId, String suffix, byte[] content) {
        faults.around(name + ".writeSidecar", () -> element.writeSidecar(fileId, suffix, content));
    }

    @Override
    public Optional<byte[]> readSidecar(FileId fileId, String suffix) {
        return faults.around(name + ".readSidecar", () -> element.readSidecar(fileId, suffix));
    }

    @Override
    public Optional<FileId> sidecarFileId(FileId fileId, String suffix) {
        return element.sidecarFileId(fileId, suffix);
    }

    @Override
    public boolean deleteSidecar(FileId fileId, String suffix) {
        return faults.around(name + ".deleteSidecar", () -> element.deleteSidecar(fileId, suffix));
    }

    @Override
    public FileAttributes stage(StoreRequest request, InputStream content) {
        return faults.around(name + ".stage", () -> {
            beforeStage.run();
            InputStream staged = corruptStaging ? flippingFirstByte(content) : content;
            long limit = stageReadsAtMost;
            if (limit == Long.MAX_VALUE) {
                return element.stage(request, staged);
            }
            try {
                return element.stage(request, new java.io.ByteArrayInputStream(staged.readNBytes((int) limit)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public void stageSidecar(FileId fileId, String suffix, byte[] content) {
        faults.around(name + ".stageSidecar", () -> element.stageSidecar(fileId, suffix, content));
    }

    @Override
    public Optional<FileAttributes> staged(FileId fileId) {
        return faults.around(name + ".staged", () -> element.staged(fileId));
    }

    @Override
    public FileAttributes publishStaged(FileId fileId) {
        return faults.around(name + ".publishStaged", () -> element.publishStaged(fileId));
    }

    @Override
    public boolean discardStaged(FileId fileId) {
        return faults.around(name + ".discardStaged", () -> element.discardStaged(fileId));
    }

    private InputStream faultOnFirstRead(InputStream content) {
        return new FilterInputStream(content) {
            private boolean started;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (!started) {
                    started = true;
                    faults.around(name + ".read", () -> {});
                }
                return super.read(b, off, len);
            }
        };
    }

    private static InputStream flippingFirstByte(InputStream content) {
        return new FilterInputStream(content) {
            private boolean flipped;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0 && !flipped) {
                    flipped = true;
                    b[off] ^= 1;
                }
                return n;
            }
        };
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
