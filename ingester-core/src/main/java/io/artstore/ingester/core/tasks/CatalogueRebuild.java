package io.artstore.ingester.core.tasks;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.in.TaskReport;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.out.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code rebuild_catalogue}: records in the catalogue every file the storage elements hold (as their attribute
 * files tell) that it does not know, e.g. after the catalogue was lost. An argument {@code storage_element_id}
 * limits it to one element. Entries are only added ({@link FileCatalog#putIfAbsent}): an entry the catalogue has
 * is newer than or as new as the element's word, so a second run changes nothing. Local elements name their files
 * ({@link StorageElement#fileIds}) and each unknown one is read; remote ones list their files' attributes a page at
 * a time ({@link StorageElement#listFiles}), which lack the files' {@code metadata} (see {@code docs/tasks.md}).
 * Elements that can do neither are skipped and counted.
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
        Counts counts = new Counts();
        long elementsRead = 0;
        long unlisted = 0;
        for (StorageElement element : elements.all()) {
            if (only.isPresent() && !only.get().equals(element.id().value())) {
                continue;
            }
            var ids = element.fileIds();
            if (!ids.isEmpty()) {
                elementsRead++;
                readIds(element, ids, counts);
                counts.mode = Optional.empty();
                continue;
            }
            Optional<Iterable<FileAttributes>> listed = element.listFiles();
            if (listed.isEmpty()) {
                unlisted++;
                continue;
            }
            elementsRead++;
            readListed(element, listed.get(), counts);
            counts.mode = Optional.empty();
        }
        if (only.isPresent() && elementsRead == 0 && unlisted == 0) {
            throw IngestException.notFound("storage_element_not_found", "no storage element has the id " + only.get());
        }
        return new TaskReport(Map.of("elements_read", elementsRead, "elements_not_listable", unlisted,
                "entries_added", counts.added, "entries_known", counts.known));
    }

    private static final class Counts {
        long added;
        long known;
        Optional<Mode> mode = Optional.empty();

        /** Asked once an element: a remote element answers it with a request. */
        Mode modeOf(StorageElement element) {
            if (mode.isEmpty()) {
                mode = Optional.of(element.describe().mode());
            }
            return mode.get();
        }
    }

    private void readIds(StorageElement element, List<FileId> ids, Counts counts) {
        for (FileId fileId : ids) {
            if (catalog.find(fileId).isPresent()) {
                counts.known++;
                continue;
            }
            element.stat(fileId).ifPresent(attributes -> record(element, attributes, counts));
        }
    }

    /**
     * An element that lists its files (a remote SE) lists the files it keeps beside others as files of their own: a
     * signature is stored under an id that follows from its file's. Those are held back until the whole list is read
     * and recorded only when no listed file owns them. The list may repeat a file; it is recorded once.
     */
    private void readListed(StorageElement element, Iterable<FileAttributes> listed, Counts counts) {
        Set<FileId> seen = new HashSet<>();
        Set<FileId> sidecars = new HashSet<>();
        List<FileAttributes> maybeSidecars = new ArrayList<>();
        for (FileAttributes attributes : listed) {
            if (!seen.add(attributes.fileId())) {
                continue;
            }
            element.sidecarFileId(attributes.fileId(), DetachedSignature.SIDECAR_SUFFIX).ifPresent(sidecars::add);
            if (attributes.originalFilename().endsWith(DetachedSignature.SIDECAR_SUFFIX)) {
                maybeSidecars.add(attributes);
            } else if (catalog.find(attributes.fileId()).isPresent()) {
                counts.known++;
            } else {
                record(element, attributes, counts);
            }
        }
        for (FileAttributes attributes : maybeSidecars) {
            if (sidecars.contains(attributes.fileId())) {
                continue;
            }
            if (catalog.find(attributes.fileId()).isPresent()) {
                counts.known++;
            } else {
                record(element, attributes, counts);
            }
        }
    }

    private void record(StorageElement element, FileAttributes attributes, Counts counts) {
        CatalogEntry wanted = new CatalogEntry(element.id(), counts.modeOf(element), attributes);
        if (catalog.putIfAbsent(wanted).equals(wanted)) {
            counts.added++;
        } else {
            counts.known++;
        }
    }
}
