package io.artstore.ingester.core.service;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.in.FileLocation;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileRegistry;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.saga.testing.StepFaults;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import io.artstore.ingester.core.transfer.InMemoryLocks;
import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A lookup that misses the catalogue writes back what a storage element reports, which for a remote SE has no
 * metadata. Recovery of an add catalogues the file completely at the same time; whatever the order, the complete
 * entry must be the one that stays.
 */
class FileLocatorWriteBackRaceTest {

    private static final long WAIT_SECONDS = 10;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T05:00:00Z"));
    private final InMemoryStorageElement edit = InMemoryStorageElement.of("edit-1", Mode.EDIT);
    private final InMemoryFileCatalog catalog = new InMemoryFileCatalog();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final InMemoryLocks locks = new InMemoryLocks();
    private final InMemorySagaLog log = new InMemorySagaLog();

    @Test
    void a_write_back_after_recoverys_catalogue_step_does_not_replace_the_complete_entry() throws Exception {
        FileId id = addCrashedAfterItsPivot();
        CountDownLatch statted = new CountDownLatch(1);
        CountDownLatch catalogued = new CountDownLatch(1);
        FileLocator locator = new FileLocator(catalog, () -> List.of(remote(edit, statted, catalogued)));

        CompletableFuture<Optional<FileLocation>> lookup = CompletableFuture.supplyAsync(() -> locator.find(id));
        assertThat(statted.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the lookup asked the element").isTrue();
        recover();
        CatalogEntry complete = catalog.find(id).orElseThrow();
        assertThat(complete.attributes().metadata()).as("recovery catalogued the client metadata").containsKey("project");
        catalogued.countDown();
        Optional<FileLocation> found = lookup.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(catalog.find(id)).as("the catalogue after the late write-back").contains(complete);
        assertThat(found).as("the lookup answers what the catalogue holds").map(FileLocation::entry).contains(complete);
    }

    @Test
    void recoverys_catalogue_step_after_a_write_back_replaces_the_poorer_entry() throws Exception {
        FileId id = addCrashedAfterItsPivot();
        CountDownLatch statted = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(0);
        FileLocator locator = new FileLocator(catalog, () -> List.of(remote(edit, statted, released)));

        Optional<FileLocation> found = locator.find(id);
        assertThat(found.orElseThrow().entry().attributes().metadata()).as("what a remote SE reports").isEmpty();
        assertThat(catalog.find(id)).as("the write-back filled the gap").isPresent();
        recover();

        CatalogEntry entry = catalog.find(id).orElseThrow();
        assertThat(entry.attributes().metadata()).containsKey("project").containsKey("ingester");
        assertThat(locator.find(id)).map(FileLocation::entry).contains(entry);
    }

    @Test
    void a_write_back_racing_a_delete_does_not_bring_the_deleted_file_back() throws Exception {
        FileId id = addCrashedAfterItsPivot();
        CountDownLatch statted = new CountDownLatch(1);
        CountDownLatch deleted = new CountDownLatch(1);
        FileLocator locator = new FileLocator(catalog, () -> List.of(remote(edit, statted, deleted)));

        CompletableFuture<Optional<FileLocation>> lookup = CompletableFuture.supplyAsync(() -> locator.find(id));
        assertThat(statted.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the lookup found the file on the element").isTrue();
        // A delete's pivot and its catalogue step run between the lookup's stat and its write-back.
        assertThat(edit.delete(id)).isTrue();
        catalog.remove(id);
        deleted.countDown();
        Optional<FileLocation> found = lookup.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(catalog.find(id)).as("the catalogue after the late write-back").isEmpty();
        assertThat(found).as("the lookup does not answer a deleted file").isEmpty();
        assertThat(locator.find(id)).isEmpty();
    }

    @Test
    void a_write_back_keeps_an_entry_written_meanwhile_even_when_the_element_lost_the_file() throws Exception {
        FileId id = addCrashedAfterItsPivot();
        CountDownLatch statted = new CountDownLatch(1);
        CountDownLatch moved = new CountDownLatch(1);
        InMemoryStorageElement rw = InMemoryStorageElement.of("rw-1", Mode.RW);
        FileLocator locator = new FileLocator(catalog, () -> List.of(remote(edit, statted, moved), rw));

        CompletableFuture<Optional<FileLocation>> lookup = CompletableFuture.supplyAsync(() -> locator.find(id));
        assertThat(statted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        // A transfer records the file on rw and removes it from edit meanwhile.
        CatalogEntry onRw = new CatalogEntry(rw.id(), Mode.RW, edit.stat(id).orElseThrow());
        catalog.put(onRw);
        assertThat(edit.delete(id)).isTrue();
        moved.countDown();

        assertThat(lookup.get(WAIT_SECONDS, TimeUnit.SECONDS)).map(FileLocation::entry).contains(onRw);
        assertThat(catalog.find(id)).contains(onRw);
    }

    /** An add whose process died right after its pivot: the file is on the element, not yet in the catalogue. */
    private FileId addCrashedAfterItsPivot() {
        FileSagas first = process();
        first.addFaults().arm(3, StepFaults.Kind.CRASH_AFTER); // publish-stored, the pivot
        assertThatThrownBy(() -> first.add().add(anAddFileCommand().metadata("project", Map.of("wing", "north")).ttlDays(7)
                .build(), new ByteArrayInputStream("racing content".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(SimulatedCrash.class);
        FileId id = first.addFaults().lastData().orElseThrow().fileId();
        assertThat(edit.stat(id)).as("published").isPresent();
        assertThat(catalog.find(id)).as("not catalogued before the crash").isEmpty();
        return id;
    }

    private void recover() {
        process().recover();
        assertThat(events.published()).as("recovery finished the add").hasSize(1);
    }

    private FileSagas process() {
        return new FileSagas(new FileSagas.Ports(() -> List.of(edit), new FakeCapacityReservations(), catalog, events, locks, log),
                clock, Optional.empty(), FileRegistry.none());
    }

    /**
     * The element as a remote SE answers a lookup: its own fields without metadata. Its {@code stat} signals
     * {@code statted} and then holds its answer until {@code release} opens, so that the lookup's write-back can be
     * placed after another writer.
     */
    private static StorageElement remote(StorageElement element, CountDownLatch statted, CountDownLatch release) {
        return (StorageElement) Proxy.newProxyInstance(StorageElement.class.getClassLoader(), new Class<?>[] {StorageElement.class},
                (proxy, method, args) -> {
                    Object answer;
                    try {
                        answer = method.invoke(element, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("stat") && answer instanceof Optional<?> found && found.isPresent()) {
                        statted.countDown();
                        if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                            throw new AssertionError("the stat was never released");
                        }
                        return Optional.of(withoutMetadata((FileAttributes) found.get()));
                    }
                    return answer;
                });
    }

    private static FileAttributes withoutMetadata(FileAttributes a) {
        return new FileAttributes(a.fileId(), a.originalFilename(), a.storageFilename(), a.fileSize(), a.contentType(),
                a.createdAt(), a.updatedAt(), a.createdById(), a.createdByUsername(), a.createdByFullname(), a.description(),
                a.version(), a.storagePath(), a.checksum(), Map.of());
    }
}
