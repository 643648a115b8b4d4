package io.artstore.ingester.core.service;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.port.in.AddedFile;
import io.artstore.ingester.core.port.out.DeletionReason;
import io.artstore.ingester.core.port.out.FileRegistration;
import io.artstore.ingester.core.port.out.Finalization;
import io.artstore.ingester.core.port.out.StorageElement;
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
import io.artstore.ingester.core.testing.RecordingFileRegistry.Call;
import io.artstore.ingester.core.transfer.InMemoryLocks;
import io.artstore.ingester.core.transfer.TransferFixture;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the sagas and the transfer tell ArtStore's file registry, and when. */
class FileRegistryStepsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T01:00:00Z");
    private final ManualClock clock = new ManualClock(NOW);
    private final InMemoryStorageElement edit = InMemoryStorageElement.of("edit-1", Mode.EDIT);
    private final InMemoryStorageElement rw = InMemoryStorageElement.of("rw-1", Mode.RW);
    private final List<StorageElement> elements = List.of(edit, rw);
    private final InMemoryFileCatalog catalog = new InMemoryFileCatalog();
    private final InMemorySagaLog sagaLog = new InMemorySagaLog();
    private final InMemoryLocks locks = new InMemoryLocks();
    private final RecordingFileRegistry registry = new RecordingFileRegistry();

    private FileSagas process() {
        return new FileSagas(new FileSagas.Ports(() -> elements, new FakeCapacityReservations(), catalog,
                new RecordingEventPublisher(), locks, sagaLog), clock, Optional.empty(), registry);
    }

    @Test
    void an_add_registers_the_elements_names_and_the_original_bytes_facts() throws Exception {
        byte[] data = "registered content ".repeat(200).getBytes(StandardCharsets.UTF_8);

        AddedFile added = process().add().add(anAddFileCommand().metadata("case", "A-17").ttlDays(7)
                .compression(CompressionAlgorithm.GZIP).build().fromAddress("192.0.2.10"), new ByteArrayInputStream(data));

        FileId id = added.entry().fileId();
        FileAttributes onElement = edit.stat(id).orElseThrow();
        assertThat(registry.calls()).singleElement().satisfies(call -> {
            assertThat(call.kind()).isEqualTo("register");
            FileRegistration registration = (FileRegistration) call.payload();
            assertThat(registration).isEqualTo(new FileRegistration(id, "report.txt", onElement.storageFilename(),
                    data.length, sha256(data), "text/plain", Optional.of("a report"), RetentionPolicy.TEMPORARY,
                    Optional.of(new FileRegistration.Ttl(NOW.plus(Duration.ofDays(7)), 7)), edit.id(),
                    onElement.storagePath(), Optional.of(CompressionAlgorithm.GZIP), "u-1", Optional.of("192.0.2.10"),
                    Map.of("case", "A-17")));
        });
        assertThat(onElement.fileSize()).as("the stored bytes are the compressed ones").isLessThan(data.length);
    }

    @Test
    void a_permanent_file_is_registered_without_ttl_and_uncompressed_when_not_compressed() {
        byte[] data = "permanent".getBytes(StandardCharsets.UTF_8);

        AddedFile added = process().add().add(anAddFileCommand().mode(Mode.RW).build(), new ByteArrayInputStream(data));

        FileRegistration registration = (FileRegistration) registry.calls(added.entry().fileId()).get(0).payload();
        assertThat(registration.retention()).isEqualTo(RetentionPolicy.PERMANENT);
        assertThat(registration.ttl()).isEmpty();
        assertThat(registration.compression()).isEmpty();
        assertThat(registration.elementId()).isEqualTo(rw.id());
        assertThat(registration.uploadSourceIp()).isEmpty();
    }

    @Test
    void an_add_undone_after_registering_soft_deletes_the_entry_after_registering_it() {
        FileSagas process = process();
        process.addFaults().arm(3, StepFaults.Kind.FAIL_BEFORE); // the pivot: publish-stored

        assertThatThrownBy(() -> process.add().add(anAddFileCommand().build(), content()))
                .isInstanceOf(IngestException.class);

        FileId id = process.addFaults().lastData().orElseThrow().fileId();
        assertThat(registry.calls(id)).extracting(Call::kind, Call::payload).element(1)
                .isEqualTo(org.assertj.core.groups.Tuple.tuple("delete", DeletionReason.GC_CLEANUP));
        assertThat(registry.calls(id)).extracting(Call::kind).containsExactly("register", "delete");
    }

    @Test
    void a_crash_at_any_step_of_an_add_leaves_the_entry_registered_only_if_the_file_was_added() {
        int steps = 8;
        for (int call = 0; call < steps; call++) {
            for (StepFaults.Kind kind : List.of(StepFaults.Kind.CRASH_BEFORE, StepFaults.Kind.CRASH_AFTER)) {
                FileSagas process = process();
                process.addFaults().arm(call, kind);
                try {
                    process.add().add(anAddFileCommand().build(), content());
                } catch (SimulatedCrash crash) {
                    process().recover();
                }
                FileId id = process.addFaults().lastData().orElseThrow().fileId();
                List<String> kinds = registry.calls(id).stream().map(Call::kind).toList();
                boolean added = catalog.find(id).isPresent();
                String when = kind + " at call " + call;
                if (added) {
                    assertThat(kinds).as(when).isNotEmpty().allMatch("register"::equals);
                } else {
                    assertThat(kinds).as(when).doesNotContain("finalize");
                    if (kinds.contains("register")) {
                        assertThat(kinds.get(kinds.size() - 1)).as(when + ": the last call withdraws it").isEqualTo("delete");
                    }
                }
            }
        }
    }

    @Test
    void a_delete_soft_deletes_the_entry_as_manual() {
        FileSagas process = process();
        FileId id = process.add().add(anAddFileCommand().build(), content()).entry().fileId();

        process.delete().delete(id);

        assertThat(registry.calls(id)).extracting(Call::kind, Call::payload).last()
                .isEqualTo(org.assertj.core.groups.Tuple.tuple("delete", DeletionReason.MANUAL));
        assertThat(sagaLog.list(SagaState.COMPLETED)).hasSize(2);
    }

    @Test
    void a_committed_transfer_marks_the_entry_permanent_on_the_rw_element() {
        TransferFixture fixture = new TransferFixture();
        TransferFixture.SeededFile file = fixture.seed("to-finalize.pdf");
        TransferCoordinator coordinator = new TransferCoordinator(new FileLocator(fixture.catalog, fixture.elements),
                fixture.elements, new StorageElementSelector(fixture.elements, new FakeCapacityReservations(),
                        StorageElementSelector.DEFAULT_GROWTH_STEP),
                fixture.catalog, fixture.events, fixture.log, fixture.locks, fixture.clock, registry);

        coordinator.begin(file.fileId(), Optional.empty());

        FileAttributes onRw = fixture.rw.stat(file.fileId()).orElseThrow();
        assertThat(registry.calls(file.fileId())).singleElement().isEqualTo(new Call("finalize", file.fileId(),
                new Finalization(TransferFixture.RW_ID, onRw.storagePath(), fixture.clock.instant())));
    }

    private static ByteArrayInputStream content() {
        return new ByteArrayInputStream("some content".getBytes(StandardCharsets.UTF_8));
    }

    private static Sha256 sha256(byte[] data) throws Exception {
        return Sha256.of(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
