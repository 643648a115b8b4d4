package io.artstore.ingester.core.saga;

import io.artstore.ingester.core.clock.VectorClock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a saga's append-only log. A step's intent ({@code *_STARTED}) is appended before its side
 * effect and its outcome after it, so that after a crash the log tells what may have happened. Every record
 * carries the saga's data as it stands after the record, so the latest record is enough to carry on.
 *
 * @param definitionVersion the version of the saga's step layout ({@link SagaDefinition#version()}) the saga was
 *     started with, which {@code step} indexes; the same on every record of a saga
 * @param sequence the record's position in its saga's log, from 0 without gaps
 * @param step the step's index in the definition, or {@link #NO_STEP} for records about the whole saga
 * @param attempt which attempt of the step or compensation this is, from 1; 0 for records about the saga
 * @param owner the instance that drives the saga and wrote the record
 * @param leaseUntil until when the owner holds the saga; after it another instance may take it over
 * @param failure why an attempt failed or why the saga was parked; present exactly for those records
 * @param clock the writing instance's vector clock when the record was written, to order it among the file's other
 *     operations across instances; empty until a clock-stamping log stamps it
 */
public record SagaRecord(
        SagaId sagaId,
        String sagaType,
        int definitionVersion,
        long sequence,
        Kind kind,
        int step,
        int attempt,
        Instant at,
        String owner,
        Instant leaseUntil,
        Map<String, String> data,
        Optional<StepFailure> failure,
        VectorClock clock) {

    public static final int NO_STEP = -1;

    /** What a record says happened. */
    public enum Kind {
        SAGA_STARTED(false, false),
        STEP_STARTED(true, false),
        STEP_SUCCEEDED(true, false),
        STEP_FAILED(true, true),
        COMPENSATION_STARTED(true, false),
        COMPENSATION_SUCCEEDED(true, false),
        COMPENSATION_FAILED(true, true),
        /** An instance took the saga over (or renewed its hold) without otherwise changing it. */
        LEASE_CLAIMED(false, false),
        SAGA_COMPLETED(false, false),
        SAGA_COMPENSATED(false, false),
        /** A compensation kept failing; an operator must look. */
        SAGA_PARKED(false, true),
        /** An operator sent a parked saga back to its compensations, with a fresh count of attempts. */
        SAGA_RESUMED(false, false);

        private final boolean aboutStep;
        private final boolean carriesFailure;

        Kind(boolean aboutStep, boolean carriesFailure) {
            this.aboutStep = aboutStep;
            this.carriesFailure = carriesFailure;
        }

        /** True when the record names a step (and an attempt of it). */
        public boolean aboutStep() {
            return aboutStep;
        }

        public boolean carriesFailure() {
            return carriesFailure;
        }

        /** True for the records after which the saga is driven no further. */
        public boolean endsSaga() {
            return this == SAGA_COMPLETED || this == SAGA_COMPENSATED || this == SAGA_PARKED;
        }
    }

    public SagaRecord {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(sagaType, "sagaType");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(clock, "clock");
        data = Map.copyOf(data);
        if (sagaType.isBlank() || owner.isBlank()) {
            throw new IllegalArgumentException("a saga record needs a saga type and an owner");
        }
        if (definitionVersion < 1) {
            throw new IllegalArgumentException("definitionVersion must be 1 or more, got " + definitionVersion);
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be 0 or more, got " + sequence);
        }
        if (kind.aboutStep() ? step < 0 || attempt < 1 : step != NO_STEP || attempt != 0) {
            throw new IllegalArgumentException(kind + " needs " + (kind.aboutStep()
                    ? "a step of 0 or more and an attempt of 1 or more" : "no step and attempt 0")
                    + ", got step " + step + " attempt " + attempt);
        }
        if (kind.carriesFailure() != failure.isPresent()) {
            throw new IllegalArgumentException(kind + (kind.carriesFailure() ? " needs" : " takes no") + " failure");
        }
    }

    /** A record of a saga whose definition is at its first version. */
    public SagaRecord(SagaId sagaId, String sagaType, long sequence, Kind kind, int step, int attempt, Instant at,
            String owner, Instant leaseUntil, Map<String, String> data, Optional<StepFailure> failure, VectorClock clock) {
        this(sagaId, sagaType, 1, sequence, kind, step, attempt, at, owner, leaseUntil, data, failure, clock);
    }

    /** A record of a saga whose definition is at its first version, not yet stamped with a vector clock. */
    public SagaRecord(SagaId sagaId, String sagaType, long sequence, Kind kind, int step, int attempt, Instant at,
            String owner, Instant leaseUntil, Map<String, String> data, Optional<StepFailure> failure) {
        this(sagaId, sagaType, 1, sequence, kind, step, attempt, at, owner, leaseUntil, data, failure, VectorClock.empty());
    }

    public SagaRecord withClock(VectorClock stamped) {
        return new SagaRecord(sagaId, sagaType, definitionVersion, sequence, kind, step, attempt, at, owner, leaseUntil, data,
                failure, stamped);
    }

    /** True when, at {@code now}, no instance holds the saga any more. */
    public boolean leaseExpiredAt(Instant now) {
        return !leaseUntil.isAfter(now);
    }
}
