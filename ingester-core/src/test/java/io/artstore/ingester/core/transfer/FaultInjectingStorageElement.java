package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.testing.Faults;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Optional;

/**
 * An {@link InMemoryStorageElement} whose every call passes through {@link Faults} as {@code <id>.<method>}
 * (reading an opened file passes {@code <id>.read} once), with hooks to hold a call half-way and to damage
 * staged copies. The test controls below bypass the faults.
 */
public final class FaultInjectingStorageElement implements StorageElement {

    private final InMemoryStorageElement element;
    private final Faults faults;
    private final String name;
    private volatile boolean corruptStaging;
    private volatile Runnable beforeStage = () -> {};
    private volatile Runnable beforeDelete = () -> {};

    public FaultInjectingStorageElement(String id, Mode mode, Faults faults, Clock clock) {
        this.element = new InMemoryStorageElement(StorageElementId.of(id), mode, 0, 1L << 30, clock);
        this.faults = faults;
        this.name = id;
    }

    // --- test controls ---

    /** Makes the element report only this much space, all of it free. */
    public FaultInjectingStorageElement capacity(long bytes) {
        element.reportCapacity(new Capacity(bytes, 0, bytes));
        return this;
    }

    public FaultInjectingStorageElement health(Health health) {
        element.reportHealth(health);
        return this;
    }

    /** Staged copies get their first byte flipped, as a faulty disk or network would leave them. */
    public FaultInjectingStorageElement corruptStaging(boolean corrupt) {
        corruptStaging = corrupt;
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
        return element.id();
    }

    @Override
    public StorageElementDescriptor describe() {
        return element.describe();
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
    public boolean deleteSidecar(FileId fileId, String suffix) {
        return faults.around(name + ".deleteSidecar", () -> element.deleteSidecar(fileId, suffix));
    }

    @Override
    public FileAttributes stage(StoreRequest request, InputStream content) {
        return faults.around(name + ".stage", () -> {
            beforeStage.run();
            return element.stage(request, corruptStaging ? flippingFirstByte(content) : content);
        });
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
