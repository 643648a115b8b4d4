package io.artstore.ingester.storage.embedded;

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

/** Sagas of plain records to write into logs: a start, then step records, one attempt each. */
final class SagaRecords {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final Duration LEASE = Duration.ofMinutes(1);

    private SagaRecords() {
    }

    /** A saga's first {@code count} records: its start, then alternately a step's intent and its outcome. */
    static List<SagaRecord> saga(SagaId sagaId, String owner, int count) {
        List<SagaRecord> records = new ArrayList<>();
        for (int sequence = 0; sequence < count; sequence++) {
            Instant at = T0.plusMillis(sequence);
            Kind kind = sequence == 0 ? Kind.SAGA_STARTED : sequence % 2 == 1 ? Kind.STEP_STARTED : Kind.STEP_FAILED;
            boolean aboutStep = kind.aboutStep();
            records.add(new SagaRecord(sagaId, "add-file", sequence, kind, aboutStep ? (sequence - 1) / 2 : SagaRecord.NO_STEP,
                    aboutStep ? 1 : 0, at, owner, at.plus(LEASE), Map.of("file_id", "f-" + sequence, "element", "edit-1"),
                    kind.carriesFailure() ? Optional.of(StepFailure.transientFailure("unreachable")) : Optional.empty()));
        }
        return records;
    }
}
