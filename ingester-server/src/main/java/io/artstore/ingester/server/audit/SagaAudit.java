package io.artstore.ingester.server.audit;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.service.AddFileSaga;
import io.artstore.ingester.core.service.DeleteFileSaga;
import io.artstore.ingester.server.saga.ForwardingSagaListener;
import java.util.Objects;
import java.util.Optional;

/**
 * Audits the compensations of add and delete sagas, whichever instance or recovery sweep ran them, then passes
 * every event on to {@code next}.
 */
public final class SagaAudit extends ForwardingSagaListener {

    private final Auditor auditor;

    public SagaAudit(SagaListener next, Auditor auditor) {
        super(next);
        this.auditor = Objects.requireNonNull(auditor, "auditor");
    }

    @Override
    protected void onRecorded(SagaRecord record) {
        AuditRecord.Outcome outcome;
        String what;
        switch (record.kind()) {
            case SAGA_COMPENSATED -> {
                outcome = AuditRecord.Outcome.SUCCEEDED;
                what = "undone";
            }
            case SAGA_PARKED -> {
                outcome = AuditRecord.Outcome.FAILED;
                what = "could not be undone and waits for an operator";
            }
            default -> {
                return;
            }
        }
        String action;
        if (record.sagaType().equals(AddFileSaga.TYPE)) {
            action = AuditRecord.UPLOAD_COMPENSATION;
        } else if (record.sagaType().equals(DeleteFileSaga.TYPE)) {
            action = AuditRecord.DELETE_COMPENSATION;
        } else {
            return;
        }
        Optional<FileId> fileId = Optional.ofNullable(record.data().get("file_id")).flatMap(SagaAudit::fileId);
        Optional<StorageElementId> element = Optional.ofNullable(record.data().get("element_id")).map(StorageElementId::of);
        auditor.record(AuditRecord.system(record.at(), action, outcome, fileId, element,
                Optional.of("saga " + record.sagaId() + " " + what + record.failure().map(f -> ": " + f.message()).orElse(""))));
    }

    private static Optional<FileId> fileId(String text) {
        try {
            return Optional.of(FileId.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
