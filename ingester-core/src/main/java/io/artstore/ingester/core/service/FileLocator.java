package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.port.in.FileLocation;
import io.artstore.ingester.core.port.in.GetFileUseCase;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds files: the catalogue first; failing that, the storage elements themselves, whose attribute files are
 * the source of truth. What the elements know and the catalogue lacks is written back to it, but only into a gap: an
 * element may know less than the catalogue (a remote SE reports no metadata), so an entry an add or a transfer
 * recorded meanwhile is kept, and the lookup answers with it.
 */
public final class FileLocator implements GetFileUseCase {

    private final FileCatalog catalog;
    private final StorageElements elements;

    public FileLocator(FileCatalog catalog, StorageElements elements) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.elements = Objects.requireNonNull(elements, "elements");
    }

    @Override
    public Optional<FileLocation> find(FileId fileId) {
        return catalog.find(fileId).or(() -> askElements(fileId)).map(entry -> new FileLocation(entry, describe(entry)));
    }

    /**
     * A delete removes the file from its element, then its catalogue entry; a move records the new entry, then
     * removes the old copy. A write-back that comes after either would record a file that is gone, so the element
     * is asked again once the entry is written: if the file left it meanwhile, the write-back is taken back (only if
     * the catalogue still holds exactly it). Either the second ask sees the file gone, or the delete's own removal
     * comes after the write-back.
     */
    private Optional<CatalogEntry> askElements(FileId fileId) {
        for (StorageElement element : elements.all()) {
            Optional<FileAttributes> attributes = element.stat(fileId);
            if (attributes.isPresent()) {
                CatalogEntry found = new CatalogEntry(element.id(), element.describe().mode(), attributes.get());
                CatalogEntry stored = catalog.putIfAbsent(found);
                if (stored.equals(found) && element.stat(fileId).isEmpty()) {
                    catalog.removeIf(found);
                    return catalog.find(fileId);
                }
                return Optional.of(stored);
            }
        }
        return Optional.empty();
    }

    private StorageElementDescriptor describe(CatalogEntry entry) {
        return elements.find(entry.elementId()).map(StorageElement::describe).orElseGet(() ->
                new StorageElementDescriptor(entry.elementId(), entry.mode(), 0, Health.UNAVAILABLE, Capacity.UNKNOWN, ""));
    }
}
