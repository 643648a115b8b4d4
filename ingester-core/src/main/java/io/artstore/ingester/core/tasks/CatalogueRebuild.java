package io.artstore.ingester.core.tasks;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.in.TaskReport;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.out.Task;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code rebuild_catalogue}: records in the catalogue every file the storage elements hold (as their attribute
 * files tell) that it does not know, e.g. after the catalogue was lost. An argument {@code storage_element_id}
 * limits it to one element. Entries are only added ({@link FileCatalog#putIfAbsent}): an entry the catalogue has
 * is newer than or as new as the element's word, so a second run changes nothing. Elements that cannot list their
 * files (remote ones) are skipped and counted.
 */
public final class CatalogueRebuild implements TaskHandler {

    public static final String TYPE = "rebuild_catalogue";

    private final StorageElements elements;
    private final FileCatalog catalog;

    public CatalogueRebuild(StorageElements elements, FileCatalog catalog) {
        this.elements = Objects.requireNonNull(elements, "elements");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TaskReport run(Task task) {
        Optional<String> only = Optional.ofNullable(task.arguments().get("storage_element_id"));
        long added = 0;
        long known = 0;
        long elementsRead = 0;
        long unlisted = 0;
        for (StorageElement element : elements.all()) {
            if (only.isPresent() && !only.get().equals(element.id().value())) {
                continue;
            }
            var ids = element.fileIds();
            if (ids.isEmpty()) {
                unlisted++;
                continue;
            }
            elementsRead++;
            for (FileId fileId : ids) {
                if (catalog.find(fileId).isPresent()) {
                    known++;
                    continue;
                }
                Optional<FileAttributes> attributes = element.stat(fileId);
                if (attributes.isEmpty()) {
                    continue;
                }
                CatalogEntry wanted = new CatalogEntry(element.id(), element.describe().mode(), attributes.get());
                if (catalog.putIfAbsent(wanted).equals(wanted)) {
                    added++;
                } else {
                    known++;
                }
            }
        }
        if (only.isPresent() && elementsRead == 0 && unlisted == 0) {
            throw IngestException.notFound("storage_element_not_found", "no storage element has the id " + only.get());
        }
        return new TaskReport(Map.of("elements_read", elementsRead, "elements_not_listable", unlisted,
                "entries_added", added, "entries_known", known));
    }
}
