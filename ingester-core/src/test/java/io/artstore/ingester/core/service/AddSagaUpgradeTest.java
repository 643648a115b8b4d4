package io.artstore.ingester.core.service;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.FileRegistry;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.saga.JsonText;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaRecord.Kind;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.saga.testing.StepFaults;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import io.artstore.ingester.core.testing.RecordingFileRegistry;
import io.artstore.ingester.core.transfer.InMemoryLocks;
import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/**
 * Add sagas left unfinished by the release before {@code register-file}: their log numbers the steps without
 * it (the pivot is step 2), and recovery after the upgrade must read them so, not in today's layout.
 */
class AddSagaUpgradeTest {

    /** The add saga's steps as that release logged them. */
    private static final List<String> EARLIER_STEPS = List.of("reserve-space", "stage-content", "publish-stored",
            "write-signature", "record-in-catalogue", "publish-file-added", "release-space");
    private static final SagaId OLD_SAGA = new SagaId("add-before-the-upgrade");
    private static final Duration LEASE = Duration.ofMinutes(1);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T01:00:00Z"));
    private final InMemoryStorageElement edit = InMemoryStorageElement.of("edit-1", Mode.EDIT);
    private final List<StorageElement> elements = List.of(edit);
    private final InMemoryFileCatalog catalog = new InMemoryFileCatalog();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final InMemoryLocks locks = new InMemoryLocks();
    private final RecordingFileRegistry registry = new RecordingFileRegistry();

    private FileSagas process(InMemorySagaLog sagaLog, FileRegistry fileRegistry) {
        return new FileSagas(new FileSagas.Ports(() -> elements, new FakeCapacityReservations(), catalog, events, locks,
                sagaLog), clock, Optional.empty(), fileRegistry);
    }

    @Test
    void an_earlier_add_stopped_before_its_pivot_is_undone_and_its_staged_copy_discarded() {
        Map<String, String> data = staged();
        InMemorySagaLog log = earlierLog(data, List.of(
                step(Kind.STEP_STARTED, "reserve-space"), step(Kind.STEP_SUCCEEDED, "reserve-space"),
                step(Kind.STEP_STARTED, "stage-content"), step(Kind.STEP_SUCCEEDED, "stage-content")));
        FileId id = FileId.parse(data.get("file_id"));

        process(log, registry).recover();

        assertThat(state(log)).isEqualTo(SagaState.COMPENSATED);
        assertThat(edit.staged(id)).as("the staged copy").isEmpty();
        assertThat(edit.stat(id)).as("the stored file").isEmpty();
        assertThat(catalog.find(id)).isEmpty();
        assertThat(events.published()).isEmpty();
        assertThat(registry.calls(id)).as("nothing was registered, nothing to withdraw").isEmpty();
    }

    @Test
    void an_earlier_add_stopped_just_after_its_pivot_goes_forward_even_past_its_timeout() {
        Map<String, String> data = staged();
        FileId id = FileId.parse(data.get("file_id"));
        edit.publishStaged(id);
        InMemorySagaLog log = earlierLog(data, List.of(
                step(Kind.STEP_STARTED, "reserve-space"), step(Kind.STEP_SUCCEEDED, "reserve-space"),
                step(Kind.STEP_STARTED, "stage-content"), step(Kind.STEP_SUCCEEDED, "stage-content"),
                step(Kind.STEP_STARTED, "publish-stored"), step(Kind.STEP_SUCCEEDED, "publish-stored")));
        clock.advance(Duration.ofHours(2)); // the upgrade took longer than an add may take before its pivot

        process(log, registry).recover();

        assertAdded(log, id);
        assertThat(registry.calls(id)).as("a stored file is not withdrawn").isEmpty();
    }

    @Test
    void an_earlier_add_stopped_during_its_pivot_sees_the_pivot_through() {
        Map<String, String> data = staged();
        FileId id = FileId.parse(data.get("file_id"));
        edit.publishStaged(id); // the pivot took effect; its outcome was never logged
        InMemorySagaLog log = earlierLog(data, List.of(
                step(Kind.STEP_STARTED, "reserve-space"), step(Kind.STEP_SUCCEEDED, "reserve-space"),
                step(Kind.STEP_STARTED, "stage-content"), step(Kind.STEP_SUCCEEDED, "stage-content"),
                step(Kind.STEP_STARTED, "publish-stored")));

        process(log, registry).recover();

        assertAdded(log, id);
        assertThat(registry.calls(id)).isEmpty();
    }

    @Test
    void an_earlier_add_without_a_registry_stopped_before_its_pivot_goes_forward_as_it_did_then() {
        Map<String, String> data = staged();
        FileId id = FileId.parse(data.get("file_id"));
        InMemorySagaLog log = earlierLog(data, List.of(
                step(Kind.STEP_STARTED, "reserve-space"), step(Kind.STEP_SUCCEEDED, "reserve-space"),
                step(Kind.STEP_STARTED, "stage-content"), step(Kind.STEP_SUCCEEDED, "stage-content")));

        process(log, FileRegistry.none()).recover();

        assertAdded(log, id);
    }

    @Test
    void an_add_of_todays_layout_stopped_after_its_pivot_recovers_as_before() {
        InMemorySagaLog log = new InMemorySagaLog();
        FileSagas first = process(log, registry);
        first.addFaults().arm(3, StepFaults.Kind.CRASH_AFTER); // publish-stored, the pivot

        assertThatThrownBy(() -> first.add().add(anAddFileCommand().build(), content())).isInstanceOf(SimulatedCrash.class);
        FileId id = first.addFaults().lastData().orElseThrow().fileId();
        process(log, registry).recover();

        assertThat(log.list(SagaState.COMPLETED)).singleElement().satisfies(summary -> {
            assertThat(summary.sagaType()).isEqualTo("add-file");
            assertThat(catalog.find(id)).isPresent();
        });
        assertThat(events.published()).extracting(FileEvent::type).containsExactly(FileEvent.Type.FILE_ADDED);
        assertThat(registry.calls(id)).extracting(RecordingFileRegistry.Call::kind).containsExactly("register");
    }

    @Test
    void an_add_of_the_previous_layout_stopped_after_its_pivot_is_finished_as_it_was_logged() {
        Map<String, String> data = new HashMap<>(staged());
        assertThat(data.remove("attributes")).as("today's data carries the staged attributes").isNotNull();
        FileId id = FileId.parse(data.get("file_id"));
        edit.publishStaged(id);
        InMemorySagaLog log = new InMemorySagaLog();
        Instant at = clock.instant();
        List<String> steps = List.of("reserve-space", "stage-content", "register-file", "publish-stored");
        log.append(new SagaRecord(OLD_SAGA, "add-file", 2, 0, Kind.SAGA_STARTED, SagaRecord.NO_STEP, 0, at,
                FileSagas.INSTANCE, at.plus(LEASE), data, Optional.empty(), VectorClock.empty()));
        long sequence = 1;
        for (String name : steps) {
            for (Kind kind : List.of(Kind.STEP_STARTED, Kind.STEP_SUCCEEDED)) {
                log.append(new SagaRecord(OLD_SAGA, "add-file", 2, sequence++, kind, steps.indexOf(name), 1, at,
                        FileSagas.INSTANCE, at.plus(LEASE), data, Optional.empty(), VectorClock.empty()));
            }
        }

        process(log, FileRegistry.none()).recover();

        assertAdded(log, id);
        assertThat(log.load(OLD_SAGA)).allSatisfy(record -> assertThat(record.definitionVersion()).isEqualTo(2));
    }

    /**
     * A remote SE reports no metadata: recovery after the pivot must catalogue the file from the saga's own data,
     * with everything the upload wrote (client metadata, texts, retention), not as the element reports it.
     */
    @Test
    void an_add_crashed_between_its_pivot_and_the_catalogue_is_catalogued_completely_by_recovery() {
        StorageElement reportingNoMetadata = withoutMetadataInStat(edit);
        InMemorySagaLog log = new InMemorySagaLog();
        FileSagas first = new FileSagas(new FileSagas.Ports(() -> List.of(reportingNoMetadata), new FakeCapacityReservations(),
                catalog, events, locks, log), clock, Optional.empty(), FileRegistry.none());
        first.addFaults().arm(3, StepFaults.Kind.CRASH_AFTER); // publish-stored, the pivot

        assertThatThrownBy(() -> first.add().add(anAddFileCommand().metadata("project", Map.of("wing", "north", "rooms", List.of(1, 2)))
                .ttlDays(7).build(), content())).isInstanceOf(SimulatedCrash.class);
        FileId id = first.addFaults().lastData().orElseThrow().fileId();
        assertThat(catalog.find(id)).as("not catalogued before the crash").isEmpty();
        new FileSagas(new FileSagas.Ports(() -> List.of(reportingNoMetadata), new FakeCapacityReservations(), catalog, events,
                locks, log), clock, Optional.empty(), FileRegistry.none()).recover();

        FileAttributes catalogued = catalog.find(id).orElseThrow().attributes();
        FileAttributes written = edit.stat(id).orElseThrow();
        assertThat(JsonText.write(catalogued.metadata())).as("the metadata written to the element, as JSON")
                .isEqualTo(JsonText.write(written.metadata()));
        assertThat(catalogued.metadata()).containsEntry("project", Map.of("wing", "north", "rooms", List.of(1L, 2L)));
        assertThat(catalogued.metadata().get("ingester")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsKeys("original_size", "original_checksum", "ttl_expires_at").containsEntry("retention_policy", "temporary");
        assertThat(catalogued.description()).contains("a report");
        assertThat(catalogued.version()).contains("1");
        assertThat(catalogued.createdByFullname()).contains("Ivan Petrov");
        assertThat(catalogued.storageFilename()).isEqualTo(written.storageFilename());
        assertThat(catalogued.storagePath()).isEqualTo(written.storagePath());
    }

    /** The element as a remote SE answers after a restart: its own fields, no metadata. */
    private static StorageElement withoutMetadataInStat(StorageElement element) {
        return (StorageElement) Proxy.newProxyInstance(StorageElement.class.getClassLoader(), new Class<?>[] {StorageElement.class},
                (proxy, method, args) -> {
                    Object answer;
                    try {
                        answer = method.invoke(element, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("stat") && answer instanceof Optional<?> found && found.isPresent()) {
                        return Optional.of(withoutMetadata((FileAttributes) found.get()));
                    }
                    // After a restart a remote element answers publishing from what it reports too.
                    return method.getName().equals("publishStaged") ? withoutMetadata((FileAttributes) answer) : answer;
                });
    }

    private static FileAttributes withoutMetadata(FileAttributes a) {
        return new FileAttributes(a.fileId(), a.originalFilename(), a.storageFilename(), a.fileSize(), a.contentType(),
                a.createdAt(), a.updatedAt(), a.createdById(), a.createdByUsername(), a.createdByFullname(), a.description(),
                a.version(), a.storagePath(), a.checksum(), Map.of());
    }

    private void assertAdded(InMemorySagaLog log, FileId id) {
        assertThat(state(log)).isEqualTo(SagaState.COMPLETED);
        assertThat(edit.stat(id)).as("the stored file").isPresent();
        assertThat(catalog.find(id)).as("the catalogue entry").isPresent();
        assertThat(events.published()).extracting(FileEvent::type, FileEvent::fileId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FileEvent.Type.FILE_ADDED, id));
    }

    /** Stages a file as an add does, and returns the saga data as it stood after staging. */
    private Map<String, String> staged() {
        InMemorySagaLog scratch = new InMemorySagaLog();
        FileSagas staging = process(scratch, FileRegistry.none());
        staging.addFaults().arm(2, StepFaults.Kind.CRASH_BEFORE); // register-file, the step after staging
        assertThatThrownBy(() -> staging.add().add(anAddFileCommand().build(), content())).isInstanceOf(SimulatedCrash.class);
        SagaId sagaId = scratch.unfinished().get(0).sagaId();
        List<SagaRecord> records = scratch.load(sagaId);
        Map<String, String> data = records.get(records.size() - 1).data();
        assertThat(edit.staged(FileId.parse(data.get("file_id")))).as("staged for the test").isPresent();
        return data;
    }

    private record Step(Kind kind, String name) {}

    private static Step step(Kind kind, String name) {
        return new Step(kind, name);
    }

    /** The records an instance of that release wrote, then died: no version, steps by their index then. */
    private InMemorySagaLog earlierLog(Map<String, String> data, List<Step> steps) {
        InMemorySagaLog log = new InMemorySagaLog();
        Instant at = clock.instant();
        List<SagaRecord> records = new ArrayList<>();
        records.add(new SagaRecord(OLD_SAGA, "add-file", 0, Kind.SAGA_STARTED, SagaRecord.NO_STEP, 0, at, FileSagas.INSTANCE,
                at.plus(LEASE), data, Optional.empty()));
        for (Step step : steps) {
            records.add(new SagaRecord(OLD_SAGA, "add-file", records.size(), step.kind(), EARLIER_STEPS.indexOf(step.name()), 1,
                    at, FileSagas.INSTANCE, at.plus(LEASE), data, Optional.empty()));
        }
        records.forEach(log::append);
        return log;
    }

    private static SagaState state(InMemorySagaLog log) {
        return SagaState.of(log.load(OLD_SAGA));
    }

    private static ByteArrayInputStream content() {
        return new ByteArrayInputStream("content from before the upgrade".getBytes(StandardCharsets.UTF_8));
    }
}
