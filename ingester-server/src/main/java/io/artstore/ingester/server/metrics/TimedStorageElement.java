package io.artstore.ingester.server.metrics;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.micrometer.core.instrument.Timer;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Times every call to a remote storage element, by call and outcome ({@code artstore_storage_element_call_duration_seconds}),
 * and keeps it for the analytics. {@code store} and {@code stage} read the content as they send it, so their time
 * includes waiting for the bytes.
 */
public final class TimedStorageElement implements StorageElement {

    private final StorageElement element;
    private final Metrics metrics;
    private final String id;

    public TimedStorageElement(StorageElement element, Metrics metrics) {
        this.element = Objects.requireNonNull(element, "element");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.id = element.id().value();
    }

    private <T> T timed(String call, Supplier<T> action) {
        long started = System.nanoTime();
        Outcome outcome = Outcome.DONE;
        try {
            return action.get();
        } catch (RuntimeException e) {
            outcome = Outcome.of(e);
            throw e;
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            Timer.builder("artstore.storage_element.call.duration")
                    .description("Calls to remote storage elements, by element, call and outcome")
                    .tags("element", id, "call", call, "outcome", outcome.result())
                    .serviceLevelObjectives(OperationMetrics.DURATION_BUCKETS)
                    .register(metrics.registry()).record(took);
            metrics.history().call(id, call, outcome, took);
        }
    }

    private void timedRun(String call, Runnable action) {
        timed(call, () -> {
            action.run();
            return null;
        });
    }

    @Override
    public StorageElementId id() {
        return element.id();
    }

    @Override
    public StorageElementDescriptor describe() {
        return timed("describe", element::describe);
    }

    @Override
    public FileAttributes store(StoreRequest request, InputStream content) {
        return timed("store", () -> element.store(request, content));
    }

    @Override
    public Optional<FileAttributes> stat(FileId fileId) {
        return timed("stat", () -> element.stat(fileId));
    }

    @Override
    public Optional<InputStream> open(FileId fileId) {
        return timed("open", () -> element.open(fileId));
    }

    @Override
    public boolean delete(FileId fileId) {
        return timed("delete", () -> element.delete(fileId));
    }

    @Override
    public List<FileId> fileIds() {
        return element.fileIds();
    }

    /** Read lazily, page by page, by the caller: not one call to time. */
    @Override
    public Optional<Iterable<FileAttributes>> listFiles() {
        return element.listFiles();
    }

    @Override
    public Optional<FileId> sidecarFileId(FileId fileId, String suffix) {
        return element.sidecarFileId(fileId, suffix);
    }

    @Override
    public void writeSidecar(FileId fileId, String suffix, byte[] content) {
        timedRun("write_sidecar", () -> element.writeSidecar(fileId, suffix, content));
    }

    @Override
    public Optional<byte[]> readSidecar(FileId fileId, String suffix) {
        return timed("read_sidecar", () -> element.readSidecar(fileId, suffix));
    }

    @Override
    public boolean deleteSidecar(FileId fileId, String suffix) {
        return timed("delete_sidecar", () -> element.deleteSidecar(fileId, suffix));
    }

    @Override
    public FileAttributes stage(StoreRequest request, InputStream content) {
        return timed("stage", () -> element.stage(request, content));
    }

    @Override
    public void stageSidecar(FileId fileId, String suffix, byte[] content) {
        timedRun("stage_sidecar", () -> element.stageSidecar(fileId, suffix, content));
    }

    @Override
    public Optional<FileAttributes> staged(FileId fileId) {
        return timed("staged", () -> element.staged(fileId));
    }

    @Override
    public FileAttributes publishStaged(FileId fileId) {
        return timed("publish_staged", () -> element.publishStaged(fileId));
    }

    @Override
    public boolean discardStaged(FileId fileId) {
        return timed("discard_staged", () -> element.discardStaged(fileId));
    }

    @Override
    public String toString() {
        return element.toString();
    }
}
