package io.artstore.ingester.server.audit;

import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.TransferStatus;
import java.util.Optional;

/** The audit record of a transfer that ended: run by the ingester itself, after the request that started it. */
public final class TransferAudit {

    private TransferAudit() {
    }

    public static AuditRecord of(TransferStatus status) {
        String action = status.state() == TransferState.ABORTED ? AuditRecord.TRANSFER_ABORT : AuditRecord.TRANSFER;
        AuditRecord.Outcome outcome = switch (status.state()) {
            case COMMITTED, ABORTED -> AuditRecord.Outcome.SUCCEEDED;
            default -> AuditRecord.Outcome.FAILED;
        };
        return AuditRecord.system(status.updatedAt(), action, outcome, Optional.of(status.fileId()), Optional.of(status.target()),
                Optional.of("transfer " + status.transactionId() + " from " + status.source().value() + " ended "
                        + status.state().wireName() + status.error().map(error -> ": " + error).orElse("")));
    }
}
