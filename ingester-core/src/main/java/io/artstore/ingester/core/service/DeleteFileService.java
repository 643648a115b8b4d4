package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.port.in.FileLocation;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import java.time.Clock;
import java.util.Objects;

/** Deletes a file from an {@code edit} storage element, then forgets it and says so. */
public final class DeleteFileService implements DeleteFileUseCase {

    private final FileLocator locator;
    private final StorageElements elements;
    private final FileCatalog catalog;
    private final EventPublisher events;
    private final Clock clock;

    public DeleteFileService(FileLocator locator, StorageElements elements, FileCatalog catalog,
            EventPublisher events, Clock clock) {
        this.locator = Objects.requireNonNull(locator, "locator");
        this.elements = Objects.requireNonNull(elements, "elements");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CatalogEntry delete(FileId fileId) {
        FileLocation location = locator.find(fileId).orElseThrow(() ->
                IngestException.notFound("file_not_found", "no file has the id " + fileId));
        CatalogEntry entry = location.entry();
        if (!location.element().mode().allowsDelete()) {
            throw IngestException.conflict("wrong_mode", "file " + fileId + " is on storage element " + entry.elementId()
                    + " in mode '" + location.element().mode().wireName() + "'; only files on 'edit' storage elements can be deleted");
        }
        StorageElement element = elements.find(entry.elementId()).orElseThrow(() -> new IngestException(Kind.UNAVAILABLE,
                "storage_unavailable", "storage element " + entry.elementId() + " that holds file " + fileId + " is not known now"));
        element.delete(fileId);
        catalog.remove(fileId);
        events.publish(new FileEvent(FileEvent.Type.FILE_DELETED, fileId, entry.elementId(), entry.mode(),
                entry.attributes().fileSize(), entry.attributes().checksum(), clock.instant()));
        return entry;
    }
}
