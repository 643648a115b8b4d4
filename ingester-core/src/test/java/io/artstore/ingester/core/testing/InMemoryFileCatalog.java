package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileCatalog;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The file catalogue in memory. */
public final class InMemoryFileCatalog implements FileCatalog {

    private final Map<FileId, CatalogEntry> entries = new ConcurrentHashMap<>();

    @Override
    public void put(CatalogEntry entry) {
        entries.put(entry.fileId(), entry);
    }

    @Override
    public Optional<CatalogEntry> find(FileId fileId) {
        return Optional.ofNullable(entries.get(fileId));
    }

    @Override
    public void remove(FileId fileId) {
        entries.remove(fileId);
    }

    @Override
    public long size() {
        return entries.size();
    }
}
