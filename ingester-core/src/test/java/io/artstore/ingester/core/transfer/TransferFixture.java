package io.artstore.ingester.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.Faults;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@code edit} and an {@code rw} element (in memory unless a {@link StorageElementFactory} says otherwise),
 * each behind a {@link FaultInjectingStorageElement}, with the log, locks, catalogue and events a transfer needs,
 * all shared by every coordinator made here, as they would survive a restart of the process.
 */
public final class TransferFixture {

    public static final StorageElementId EDIT_ID = StorageElementId.of("local-edit");
    public static final StorageElementId RW_ID = StorageElementId.of("local-rw");

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    public static final Instant UPLOADED_AT = Instant.parse("2026-11-20T10:15:30Z");

    /** A file put on the edit element, as an upload would have left it. */
    public record SeededFile(FileId fileId, byte[] content, Sha256 checksum, Optional<byte[]> signature,
            FileAttributes attributes) {}

    public final Faults faults = new Faults();
    public final Clock clock = CLOCK;
    public final FaultInjectingStorageElement edit;
    public final FaultInjectingStorageElement rw;
    public final InMemoryTransactionLog log = new InMemoryTransactionLog(faults);
    public final InMemoryLocks locks = new InMemoryLocks(faults);
    public final InMemoryFileCatalog catalog = new InMemoryFileCatalog(faults);
    public final RecordingEventPublisher events = new RecordingEventPublisher(faults);
    public final StorageElements elements;
    private final StorageElementFactory factory;

    /** Both elements in memory. */
    public TransferFixture() {
        this(StorageElementFactory.inMemory(CLOCK));
    }

    /** Both elements built by {@code factory}, {@link #EDIT_ID} in mode edit and {@link #RW_ID} in mode rw. */
    public TransferFixture(StorageElementFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.edit = new FaultInjectingStorageElement(factory.open(EDIT_ID, Mode.EDIT), faults);
        this.rw = new FaultInjectingStorageElement(factory.open(RW_ID, Mode.RW), faults);
        this.elements = () -> List.<StorageElement>of(edit, rw);
    }

    /**
     * Another fixture over the same kind of elements, with its own log, locks, catalogue and events; e.g. to
     * rehearse a transfer. Its elements may share storage with this one's: files never share an id.
     */
    public TransferFixture twin() {
        return new TransferFixture(factory);
    }

    /**
     * What a restarted process has: fresh adapters over the same storage (same folders, same remote elements)
     * and a coordinator over them. The stores of the fixture (log, locks, catalogue, events) are kept, as they
     * would be on disk. Call it only while nothing is in flight.
     */
    public TransferCoordinator restart() {
        edit.restart(factory.open(EDIT_ID, Mode.EDIT));
        rw.restart(factory.open(RW_ID, Mode.RW));
        return coordinator();
    }

    /**
     * Runs a transfer of a throw-away copy of {@code file} in a {@link #twin} to learn at which call number
     * {@code point} comes, then starts this fixture's numbering afresh.
     */
    public int callIndex(SeededFile file, String point) {
        TransferFixture rehearsal = twin();
        SeededFile copy = rehearsal.seed(file.attributes().originalFilename(), file.content(), file.signature().isPresent());
        rehearsal.faults.reset();
        rehearsal.coordinator().begin(copy.fileId(), Optional.empty());
        int index = rehearsal.faults.calls().indexOf(point);
        assertThat(index).as("call %s in %s", point, rehearsal.faults.calls()).isNotNegative();
        faults.reset();
        return index;
    }

    /** A coordinator over the current adapters: new in-memory reservations, nothing in flight. */
    public TransferCoordinator coordinator() {
        StorageElementSelector selector = new StorageElementSelector(elements, new FakeCapacityReservations(),
                StorageElementSelector.DEFAULT_GROWTH_STEP);
        return new TransferCoordinator(new FileLocator(catalog, elements), elements, selector, catalog, events, log, locks,
                clock);
    }

    /** The delete saga over this fixture's elements, catalogue, events and locks, as the server wires it. */
    public DeleteFileUseCase deleteService() {
        return new FileSagas(new FileSagas.Ports(elements, new FakeCapacityReservations(), catalog, events, locks,
                new InMemorySagaLog()), new ManualClock(clock.instant()), Optional.empty()).delete();
    }

    public SeededFile seed(String name) {
        return seed(name, ("content of " + name + " ").repeat(50).getBytes(StandardCharsets.UTF_8), true);
    }

    public SeededFile seed(String name, byte[] content, boolean signed) {
        FileId fileId = FileId.random();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("project", "north-wing");
        metadata.put("ingester", Map.of("original_size", content.length, "original_checksum",
                FaultInjectingStorageElement.sha256(content).hex(), "compressed", false, "retention_policy", "temporary",
                "ttl_expires_at", "2026-12-20T10:15:30Z"));
        StoreRequest request = new StoreRequest(fileId, name, "application/pdf",
                new Uploader("u-42", "restorer", Optional.of("Ada Restorer")), Optional.of("survey"), Optional.of("v2"),
                UPLOADED_AT, () -> metadata);
        FileAttributes attributes = edit.store(request, new ByteArrayInputStream(content));
        Optional<byte[]> signature = signed
                ? Optional.of(("signature of " + fileId).getBytes(StandardCharsets.US_ASCII))
                : Optional.empty();
        signature.ifPresent(bytes -> edit.writeSidecar(fileId, TransferCoordinator.SIGNATURE_SUFFIX, bytes));
        catalog.put(new CatalogEntry(edit.id(), Mode.EDIT, attributes));
        return new SeededFile(fileId, content, attributes.checksum(), signature, attributes);
    }

    public long transferEvents(FileId fileId) {
        return events.published().stream()
                .filter(event -> event.type() == FileEvent.Type.FILE_TRANSFERRED && event.fileId().equals(fileId))
                .count();
    }

    /**
     * Whatever happened, the file is in exactly one element, intact, with its signature beside it and the catalogue
     * pointing at it; nothing is staged, locked or unfinished.
     *
     * @return the element that holds it
     */
    public FaultInjectingStorageElement assertConsistent(SeededFile file) {
        assertThat(edit.holds(file.fileId()) ^ rw.holds(file.fileId()))
                .as("file %s is in exactly one element (edit: %s, rw: %s)", file.fileId(), edit.holds(file.fileId()),
                        rw.holds(file.fileId()))
                .isTrue();
        FaultInjectingStorageElement holder = edit.holds(file.fileId()) ? edit : rw;
        FaultInjectingStorageElement other = holder == edit ? rw : edit;
        assertThat(holder.bytes(file.fileId())).hasValue(file.content());
        assertThat(holder.stat(file.fileId()).orElseThrow().checksum()).isEqualTo(file.checksum());
        if (file.signature().isPresent()) {
            assertThat(holder.sidecar(file.fileId(), TransferCoordinator.SIGNATURE_SUFFIX)).hasValue(file.signature().get());
        }
        assertThat(other.sidecar(file.fileId(), TransferCoordinator.SIGNATURE_SUFFIX)).isEmpty();
        CatalogEntry entry = catalog.find(file.fileId()).orElseThrow();
        assertThat(entry.elementId()).isEqualTo(holder.id());
        assertThat(entry.mode()).isEqualTo(holder.describe().mode());
        assertThat(entry.attributes().checksum()).isEqualTo(file.checksum());
        if (factory.stagesNatively()) {
            assertThat(rw.holdsStaged(file.fileId())).isFalse();
        } else if (holder == edit) {
            // Emulated staging leaves an uploaded copy: none may be left on the target once the transfer is over.
            assertThat(rw.holds(file.fileId())).as("a copy left on the rw element").isFalse();
        }
        assertThat(locks.isLocked(file.fileId())).as("lock released").isFalse();
        assertThat(log.unfinished()).isEmpty();
        return holder;
    }
}
