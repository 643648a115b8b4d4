package io.artstore.ingester.server.discovery;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.DiscoveredElement;
import io.artstore.ingester.core.port.out.SharedCapacity;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.storage.http.HttpStorageElement;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A remote storage element that service discovery announced. Files go straight to its HTTP adapter; its description
 * takes health and free space from the capacity report that the polling instance shared (so that a cluster polls
 * each element once), this instance's own breaker still counting, and probes the element itself only while there is
 * no recent report. An element the announcement marks unavailable takes no new files.
 */
final class DiscoveredStorageElement implements StorageElement {

    private final HttpStorageElement http;
    private final DiscoveredElement announced;
    private final SharedCapacity capacity;

    DiscoveredStorageElement(HttpStorageElement http, DiscoveredElement announced, SharedCapacity capacity) {
        this.http = http;
        this.announced = announced;
        this.capacity = capacity;
    }

    DiscoveredElement announced() {
        return announced;
    }

    HttpStorageElement http() {
        return http;
    }

    @Override
    public StorageElementId id() {
        return http.id();
    }

    @Override
    public StorageElementDescriptor describe() {
        Optional<SharedCapacity.Report> report = capacity.reported(id());
        StorageElementDescriptor descriptor;
        if (report.isPresent()) {
            Health health = report.get().health();
            switch (http.breakerState()) {
                case OPEN -> health = Health.UNAVAILABLE;
                case HALF_OPEN -> health = health == Health.HEALTHY ? Health.DEGRADED : health;
                case CLOSED -> { }
            }
            descriptor = new StorageElementDescriptor(id(), announced.mode(), announced.priority(), health,
                    report.get().capacity(), announced.apiUrl().toString());
        } else {
            descriptor = http.describe();
        }
        return announced.available() ? descriptor : descriptor.withHealth(Health.UNAVAILABLE);
    }

    @Override
    public FileAttributes store(StoreRequest request, InputStream content) {
        return http.store(request, content);
    }

    @Override
    public Optional<FileAttributes> stat(FileId fileId) {
        return http.stat(fileId);
    }

    @Override
    public Optional<InputStream> open(FileId fileId) {
        return http.open(fileId);
    }

    @Override
    public boolean delete(FileId fileId) {
        return http.delete(fileId);
    }

    @Override
    public List<FileId> fileIds() {
        return http.fileIds();
    }

    @Override
    public Optional<Iterable<FileAttributes>> listFiles() {
        return http.listFiles();
    }

    @Override
    public Optional<FileId> sidecarFileId(FileId fileId, String suffix) {
        return http.sidecarFileId(fileId, suffix);
    }

    @Override
    public void writeSidecar(FileId fileId, String suffix, byte[] content) {
        http.writeSidecar(fileId, suffix, content);
    }

    @Override
    public Optional<byte[]> readSidecar(FileId fileId, String suffix) {
        return http.readSidecar(fileId, suffix);
    }

    @Override
    public boolean deleteSidecar(FileId fileId, String suffix) {
        return http.deleteSidecar(fileId, suffix);
    }

    @Override
    public FileAttributes stage(StoreRequest request, InputStream content) {
        return http.stage(request, content);
    }

    @Override
    public Optional<FileAttributes> staged(FileId fileId) {
        return http.staged(fileId);
    }

    @Override
    public void stageSidecar(FileId fileId, String suffix, byte[] content) {
        http.stageSidecar(fileId, suffix, content);
    }

    @Override
    public FileAttributes publishStaged(FileId fileId) {
        return http.publishStaged(fileId);
    }

    @Override
    public boolean discardStaged(FileId fileId) {
        return http.discardStaged(fileId);
    }
}
