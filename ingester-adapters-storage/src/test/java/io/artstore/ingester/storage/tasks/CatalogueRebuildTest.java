package io.artstore.ingester.storage.tasks;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.in.TaskReport;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.tasks.CatalogueRebuild;
import io.artstore.ingester.storage.embedded.FileSystemFileCatalog;
import io.artstore.ingester.storage.embedded.StaticStorageElements;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.local.LocalStorageSettings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalogue rebuilt from the elements' attribute files, after it was lost. */
class CatalogueRebuildTest {

    @TempDir
    Path folder;

    @Test
    void a_lost_catalogue_is_rebuilt_from_the_elements_and_a_second_run_changes_nothing() {
        LocalStorageElement edit = LocalStorageElement.open(LocalStorageSettings.of(StorageElementId.of("local-edit"),
                Mode.EDIT, folder.resolve("edit"), 1), Clock.systemUTC());
        LocalStorageElement rw = LocalStorageElement.open(LocalStorageSettings.of(StorageElementId.of("local-rw"),
                Mode.RW, folder.resolve("rw"), 1), Clock.systemUTC());
        FileAttributes first = edit.store(aStoreRequest().build(), new ByteArrayInputStream("one".getBytes(StandardCharsets.UTF_8)));
        FileAttributes second = rw.store(aStoreRequest().build(), new ByteArrayInputStream("two".getBytes(StandardCharsets.UTF_8)));
        FileCatalog catalog = FileSystemFileCatalog.open(folder.resolve("catalog"));
        // Reopened as after a restart: the elements know their files from their attribute files.
        LocalStorageElement editAgain = LocalStorageElement.open(LocalStorageSettings.of(edit.id(), Mode.EDIT, edit.path(), 1),
                Clock.systemUTC());
        CatalogueRebuild rebuild = new CatalogueRebuild(new StaticStorageElements(List.of(editAgain, rw)), catalog);

        TaskReport report = rebuild.run(Task.of(CatalogueRebuild.TYPE, Map.of(), Instant.now()));
        TaskReport again = rebuild.run(Task.of(CatalogueRebuild.TYPE, Map.of(), Instant.now()));

        assertThat(catalog.find(first.fileId())).contains(new CatalogEntry(edit.id(), Mode.EDIT, first));
        assertThat(catalog.find(second.fileId())).contains(new CatalogEntry(rw.id(), Mode.RW, second));
        assertThat(report.facts()).containsEntry("entries_added", 2L).containsEntry("elements_read", 2L);
        assertThat(again.facts()).containsEntry("entries_added", 0L).containsEntry("entries_known", 2L);
        assertThat(catalog.size()).isEqualTo(2);
    }
}
