package io.artstore.ingester.core.tasks;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.FakeSigner;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import io.artstore.ingester.core.transfer.InMemoryLocks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code sign_file}: signs once, and a delivery after a crash at any point ends with one signature and one event. */
class SignFileTest {

    private static final byte[] CONTENT = "the file to sign".getBytes(StandardCharsets.UTF_8);

    private final ManualClock clock = ManualClock.atSomeInstant();
    private final InMemoryStorageElement edit = InMemoryStorageElement.of("edit-1", Mode.EDIT);
    private final List<StorageElement> elements = List.of(edit);
    private final InMemoryFileCatalog catalog = new InMemoryFileCatalog();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final InMemoryLocks locks = new InMemoryLocks();
    private final FileId fileId = new FileSagas(new FileSagas.Ports(() -> elements, new FakeCapacityReservations(), catalog,
            events, locks, new InMemorySagaLog()), clock, Optional.empty()).add()
            .add(anAddFileCommand().build(), new ByteArrayInputStream(CONTENT)).entry().fileId();

    private SignFile handler(FileCatalog catalogue) {
        return new SignFile(() -> elements, catalogue, events, locks, new FakeSigner(SignatureAlgorithm.ECDSA_P256_SHA256, clock),
                CompressFileFaultInjectionMatrix.ORIGINALS, clock);
    }

    private Task task() {
        return new Task("sign-1", SignFile.TYPE, Map.of(SignFile.FILE_ID, fileId.toString()), Instant.EPOCH);
    }

    private List<FileEvent.Type> signedEvents() {
        return events.published().stream().map(FileEvent::type).filter(type -> type == FileEvent.Type.FILE_SIGNED).toList();
    }

    private void assertSignedOnce() {
        assertThat(edit.readSidecar(fileId, DetachedSignature.SIDECAR_SUFFIX)).isPresent();
        assertThat(catalog.find(fileId).orElseThrow().attributes().metadata().get(StoredContent.METADATA_KEY))
                .asString().contains("signature", FakeSigner.CERTIFICATE_FINGERPRINT);
        assertThat(signedEvents()).hasSize(1);
        assertThat(events.published().stream().filter(event -> event.type() == FileEvent.Type.FILE_SIGNED)).singleElement()
                .satisfies(event -> assertThat(event.attributes()).hasValueSatisfying(file ->
                        assertThat(file.signatureAlgorithm()).contains("ecdsa-p256-sha256")));
        assertThat(locks.holder(fileId)).isEmpty();
    }

    @Test
    void signs_the_file_and_a_second_delivery_does_nothing() {
        assertThat(handler(catalog).run(task()).facts()).containsEntry("outcome", "signed");
        byte[] signature = edit.readSidecar(fileId, DetachedSignature.SIDECAR_SUFFIX).orElseThrow();

        assertThat(handler(catalog).run(task()).facts()).containsEntry("outcome", "done_before");

        assertSignedOnce();
        assertThat(edit.readSidecar(fileId, DetachedSignature.SIDECAR_SUFFIX)).hasValue(signature);
    }

    @Test
    void a_crash_after_the_signature_file_and_before_the_catalogue_is_mended_by_the_next_delivery() {
        FileCatalog failing = new FileCatalog() {
            @Override
            public void put(CatalogEntry entry) {
                throw new IllegalStateException("the process dies before the catalogue entry is written");
            }

            @Override
            public CatalogEntry putIfAbsent(CatalogEntry entry) {
                return catalog.putIfAbsent(entry);
            }

            @Override
            public Optional<CatalogEntry> find(FileId id) {
                return catalog.find(id);
            }

            @Override
            public boolean removeIf(CatalogEntry expected) {
                return catalog.removeIf(expected);
            }

            @Override
            public void remove(FileId id) {
                catalog.remove(id);
            }

            @Override
            public long size() {
                return catalog.size();
            }
        };
        assertThatThrownBy(() -> handler(failing).run(task())).isInstanceOf(IllegalStateException.class);
        assertThat(edit.readSidecar(fileId, DetachedSignature.SIDECAR_SUFFIX)).isPresent();
        assertThat(signedEvents()).isEmpty();

        assertThat(handler(catalog).run(task()).facts()).containsEntry("outcome", "signed");

        assertSignedOnce();
    }

    @Test
    void a_crash_after_the_catalogue_and_before_the_event_publishes_it_once_on_the_next_delivery() {
        RecordingEventPublisher lost = new RecordingEventPublisher();
        new SignFile(() -> elements, catalog, lost, locks, new FakeSigner(SignatureAlgorithm.ECDSA_P256_SHA256, clock),
                CompressFileFaultInjectionMatrix.ORIGINALS, clock).run(task());
        assertThat(signedEvents()).isEmpty();

        assertThat(handler(catalog).run(task()).facts()).containsEntry("outcome", "signed");
        assertThat(handler(catalog).run(task()).facts()).containsEntry("outcome", "done_before");

        assertSignedOnce();
    }

    @Test
    void a_file_locked_by_another_operation_is_signed_later() {
        locks.tryLock(fileId, Locks.Operation.DELETE, "a-delete");

        assertThatThrownBy(() -> handler(catalog).run(task())).isInstanceOfSatisfying(IngestException.class, e ->
                assertThat(e.kind()).isEqualTo(IngestException.Kind.UNAVAILABLE));
        assertThat(edit.readSidecar(fileId, DetachedSignature.SIDECAR_SUFFIX)).isEmpty();
    }
}
