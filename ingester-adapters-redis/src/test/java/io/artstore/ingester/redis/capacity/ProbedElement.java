package io.artstore.ingester.redis.capacity;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A storage element whose probe answers what the test says and counts how often it was polled; it stores nothing. */
final class ProbedElement implements StorageElement {

    private final StorageElementId id;
    private final AtomicInteger polls = new AtomicInteger();
    private volatile boolean reachable = true;
    private volatile Capacity capacity = new Capacity(1000, 250, 750);

    ProbedElement(String id) {
        this.id = StorageElementId.of(id);
    }

    void reachable(boolean now) {
        reachable = now;
    }

    int polls() {
        return polls.get();
    }

    @Override
    public StorageElementId id() {
        return id;
    }

    @Override
    public StorageElementDescriptor describe() {
        polls.incrementAndGet();
        if (!reachable) {
            return new StorageElementDescriptor(id, Mode.EDIT, 100, Health.UNAVAILABLE, Capacity.UNKNOWN, "http://se.test/" + id);
        }
        return new StorageElementDescriptor(id, Mode.EDIT, 100, Health.HEALTHY, capacity, "http://se.test/" + id);
    }

    private static IngestException unused() {
        throw new UnsupportedOperationException("only probed in this test");
    }

    @Override
    public FileAttributes store(StoreRequest request, InputStream content) {
        throw unused();
    }

    @Override
    public Optional<FileAttributes> stat(FileId fileId) {
        throw unused();
    }

    @Override
    public Optional<InputStream> open(FileId fileId) {
        throw unused();
    }

    @Override
    public boolean delete(FileId fileId) {
        throw unused();
    }

    @Override
    public void writeSidecar(FileId fileId, String suffix, byte[] content) {
        throw unused();
    }

    @Override
    public Optional<byte[]> readSidecar(FileId fileId, String suffix) {
        throw unused();
    }

    @Override
    public boolean deleteSidecar(FileId fileId, String suffix) {
        throw unused();
    }

    @Override
    public FileAttributes stage(StoreRequest request, InputStream content) {
        throw unused();
    }

    @Override
    public void stageSidecar(FileId fileId, String suffix, byte[] content) {
        throw unused();
    }

    @Override
    public Optional<FileAttributes> staged(FileId fileId) {
        throw unused();
    }

    @Override
    public FileAttributes publishStaged(FileId fileId) {
        throw unused();
    }

    @Override
    public boolean discardStaged(FileId fileId) {
        throw unused();
    }
}
