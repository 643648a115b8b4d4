package io.artstore.ingester.core.saga.testing;

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

/** Plain saga records to write into logs under test, with data that is awkward to encode. */
public final class SagaRecords {

    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    public static final Duration LEASE = Duration.ofMinutes(1);

    private SagaRecords() {
    }

    /** One record of an {@code add-file} saga; step records are of step 1, attempt 2. */
    public static SagaRecord record(SagaId saga, long sequence, Kind kind, String owner, Instant at) {
        boolean aboutStep = kind.aboutStep();
        Optional<StepFailure> failure = kind.carriesFailure()
                ? Optional.of(StepFailure.transientFailure("element «edit-1» unreachable")) : Optional.empty();
        return new SagaRecord(saga, "add-file", sequence, kind, aboutStep ? 1 : SagaRecord.NO_STEP, aboutStep ? 2 : 0,
                at, owner, at.plus(LEASE), Map.of("file_id", "f-" + sequence, "note", "ünïcödé \"quoted\"\n"), failure);
    }

    /** A saga's first {@code count} records: its start, then step records a millisecond apart. */
    public static List<SagaRecord> saga(SagaId sagaId, String owner, int count) {
        List<SagaRecord> records = new ArrayList<>();
        for (int sequence = 0; sequence < count; sequence++) {
            Kind kind = sequence == 0 ? Kind.SAGA_STARTED : sequence % 2 == 1 ? Kind.STEP_STARTED : Kind.STEP_FAILED;
            records.add(record(sagaId, sequence, kind, owner, T0.plusMillis(sequence)));
        }
        return records;
    }
}
