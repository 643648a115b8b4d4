package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileCatalog;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The file catalogue in memory; writes pass through {@link Faults} as {@code catalog.<method>}. */
public final class InMemoryFileCatalog implements FileCatalog {

    private final Faults faults;
    private final Map<FileId, CatalogEntry> entries = new ConcurrentHashMap<>();

    public InMemoryFileCatalog() {
        this(new Faults());
    }

    public InMemoryFileCatalog(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void put(CatalogEntry entry) {
        faults.around("catalog.put", () -> {
            entries.put(entry.fileId(), entry);
        });
    }

    @Override
    public CatalogEntry putIfAbsent(CatalogEntry entry) {
        return faults.around("catalog.putIfAbsent", () -> {
            CatalogEntry existing = entries.putIfAbsent(entry.fileId(), entry);
            return existing == null ? entry : existing;
        });
    }

    @Override
    public Optional<CatalogEntry> find(FileId fileId) {
        return Optional.ofNullable(entries.get(fileId));
    }

    @Override
    public boolean removeIf(CatalogEntry expected) {
        return entries.remove(expected.fileId(), expected);
    }

    @Override
    public void remove(FileId fileId) {
        faults.around("catalog.remove", () -> {
            entries.remove(fileId);
        });
    }

    @Override
    public long size() {
        return entries.size();
    }
}
