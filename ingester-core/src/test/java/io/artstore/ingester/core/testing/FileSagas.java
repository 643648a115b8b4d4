package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileRegistry;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.port.out.Signer;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaResult;
import io.artstore.ingester.core.saga.testing.ClockSleeper;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.saga.testing.StepFaults;
import io.artstore.ingester.core.service.AddFileSaga;
import io.artstore.ingester.core.service.AddFileService;
import io.artstore.ingester.core.service.DeleteFileSaga;
import io.artstore.ingester.core.service.DurableDeleteFileService;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.StorageElementSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One "process" of the add and delete sagas over the given ports, as the server wires them, with a
 * {@link StepFaults} around each saga. A crash is a {@code SimulatedCrash} out of a service call; the next
 * process is a new {@code FileSagas} over the same (or reopened) ports, whose {@link #recover()} finishes
 * what the dead one left.
 */
public final class FileSagas {

    public static final String INSTANCE = "instance-a";
    public static final long MAX_FILE_BYTES = 10_000_000;

    /** The adapters one process works with. */
    public record Ports(StorageElements elements, CapacityReservations reservations, FileCatalog catalog,
            EventPublisher events, Locks locks, SagaLog sagaLog) {
        public Ports {
            Objects.requireNonNull(elements, "elements");
            Objects.requireNonNull(reservations, "reservations");
            Objects.requireNonNull(catalog, "catalog");
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(locks, "locks");
            Objects.requireNonNull(sagaLog, "sagaLog");
        }
    }

    private final StepFaults<AddFileSaga.Data> addFaults = new StepFaults<>();
    private final StepFaults<DeleteFileSaga.Data> deleteFaults = new StepFaults<>();
    private final SagaOrchestrator orchestrator;
    private final AddFileService add;
    private final DurableDeleteFileService delete;

    public FileSagas(Ports ports, ManualClock clock, Optional<Signer> signer) {
        this(ports, clock, signer, FileRegistry.none());
    }

    public FileSagas(Ports ports, ManualClock clock, Optional<Signer> signer, FileRegistry registry) {
        AddFileSaga addSaga = new AddFileSaga(ports.elements(), ports.catalog(), ports.events(), clock,
                AddFileSaga.Settings.DEFAULT, registry).intercepted(addFaults);
        DeleteFileSaga deleteSaga = new DeleteFileSaga(ports.elements(), ports.catalog(), ports.events(), ports.locks(), clock,
                DeleteFileSaga.Settings.DEFAULT, registry).intercepted(deleteFaults);
        List<SagaDefinition<?>> definitions = new ArrayList<>(List.of(addSaga.definition(), deleteSaga.definition()));
        definitions.addAll(addSaga.earlierDefinitions());
        this.orchestrator = new SagaOrchestrator(ports.sagaLog(), definitions,
                new SagaEngine(JitterSource.hashed()), new SagaOrchestrator.Settings(INSTANCE, Duration.ofMinutes(1), Duration.ofDays(1)),
                clock, new ClockSleeper(clock), SagaListener.NONE);
        StorageElementSelector selector = new StorageElementSelector(ports.elements(), ports.reservations(), 1 << 20);
        this.add = new AddFileService(selector, addSaga, orchestrator, Map.of(CompressionAlgorithm.GZIP, new GzipCodec(1)),
                signer, clock, MAX_FILE_BYTES);
        this.delete = new DurableDeleteFileService(new FileLocator(ports.catalog(), ports.elements()), deleteSaga, orchestrator);
    }

    public AddFileService add() {
        return add;
    }

    public DurableDeleteFileService delete() {
        return delete;
    }

    public SagaOrchestrator orchestrator() {
        return orchestrator;
    }

    public StepFaults<AddFileSaga.Data> addFaults() {
        return addFaults;
    }

    public StepFaults<DeleteFileSaga.Data> deleteFaults() {
        return deleteFaults;
    }

    public List<SagaResult<?>> recover() {
        return orchestrator.recover();
    }
}
