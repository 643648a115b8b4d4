package io.artstore.ingester.core.saga.testing;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaRecord.Kind;
import io.artstore.ingester.core.saga.StepFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a saga's log by hand, record by record, to put the engine in any situation:
 * {@code SagaLogBuilder.of(definition).started("reserve").succeeded("reserve").after(ofSeconds(2)).started("store")}.
 * Attempt numbers follow from the records; the owner is {@link #OWNER} unless claimed by another.
 */
public final class SagaLogBuilder {

    public static final SagaId SAGA_ID = new SagaId("saga-under-test");
    public static final String OWNER = "instance-a";
    public static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    public static final Duration LEASE = Duration.ofMinutes(1);

    private final SagaDefinition<?> definition;
    private final List<SagaRecord> records = new ArrayList<>();
    private Instant now = START;
    private String owner = OWNER;

    private SagaLogBuilder(SagaDefinition<?> definition) {
        this.definition = definition;
        add(Kind.SAGA_STARTED, SagaRecord.NO_STEP, 0, Optional.empty());
    }

    /** A log that holds the saga's start, at {@link #START}. */
    public static SagaLogBuilder of(SagaDefinition<?> definition) {
        return new SagaLogBuilder(definition);
    }

    /** Moves the time of the following records on. */
    public SagaLogBuilder after(Duration duration) {
        now = now.plus(duration);
        return this;
    }

    public SagaLogBuilder started(String step) {
        int index = definition.indexOf(step);
        return add(Kind.STEP_STARTED, index, count(Kind.STEP_STARTED, index) + 1, Optional.empty());
    }

    public SagaLogBuilder succeeded(String step) {
        int index = definition.indexOf(step);
        return add(Kind.STEP_SUCCEEDED, index, count(Kind.STEP_STARTED, index), Optional.empty());
    }

    public SagaLogBuilder failedTransiently(String step) {
        return failed(Kind.STEP_FAILED, step, StepFailure.transientFailure("element unreachable"));
    }

    public SagaLogBuilder failedPermanently(String step) {
        return failed(Kind.STEP_FAILED, step, StepFailure.permanent("request refused"));
    }

    /** Started and succeeded, for each step in turn. */
    public SagaLogBuilder ran(String... steps) {
        for (String step : steps) {
            started(step).succeeded(step);
        }
        return this;
    }

    public SagaLogBuilder compensationStarted(String step) {
        int index = definition.indexOf(step);
        return add(Kind.COMPENSATION_STARTED, index, count(Kind.COMPENSATION_STARTED, index) + 1, Optional.empty());
    }

    public SagaLogBuilder compensated(String step) {
        int index = definition.indexOf(step);
        return add(Kind.COMPENSATION_SUCCEEDED, index, count(Kind.COMPENSATION_STARTED, index), Optional.empty());
    }

    public SagaLogBuilder compensationFailed(String step) {
        return failed(Kind.COMPENSATION_FAILED, step, StepFailure.transientFailure("element unreachable"));
    }

    /** Another instance takes the saga over; it owns the following records. */
    public SagaLogBuilder claimedBy(String newOwner) {
        owner = newOwner;
        return add(Kind.LEASE_CLAIMED, SagaRecord.NO_STEP, 0, Optional.empty());
    }

    public SagaLogBuilder ended(Kind kind) {
        return add(kind, SagaRecord.NO_STEP, 0, kind == Kind.SAGA_PARKED
                ? Optional.of(StepFailure.permanent("parked")) : Optional.empty());
    }

    public Instant now() {
        return now;
    }

    public List<SagaRecord> records() {
        return List.copyOf(records);
    }

    private SagaLogBuilder failed(Kind kind, String step, StepFailure failure) {
        int index = definition.indexOf(step);
        Kind started = kind == Kind.STEP_FAILED ? Kind.STEP_STARTED : Kind.COMPENSATION_STARTED;
        return add(kind, index, count(started, index), Optional.of(failure));
    }

    private int count(Kind kind, int step) {
        return (int) records.stream().filter(record -> record.kind() == kind && record.step() == step).count();
    }

    private SagaLogBuilder add(Kind kind, int step, int attempt, Optional<StepFailure> failure) {
        records.add(new SagaRecord(SAGA_ID, definition.name(), definition.version(), records.size(), kind, step, attempt, now,
                owner, now.plus(LEASE), Map.of(), failure, VectorClock.empty()));
        return this;
    }
}
