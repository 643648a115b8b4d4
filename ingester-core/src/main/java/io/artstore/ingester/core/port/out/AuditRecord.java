package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One audited event: who ({@link Caller}, client IP, request id) did what ({@code action}) to which file on which
 * element, and how it ended. Values only: the audit trail decides how records are chained and kept.
 *
 * @param action what was attempted, one of the constants below or {@code access} for authorization decisions
 * @param reason why it was refused or failed (an error code and message), or what was decided
 */
public record AuditRecord(
        Instant time,
        String action,
        Outcome outcome,
        Caller caller,
        Optional<String> clientIp,
        Optional<String> requestId,
        Optional<FileId> fileId,
        Optional<StorageElementId> element,
        Optional<String> reason) {

    public static final String UPLOAD = "file.upload";
    public static final String DELETE = "file.delete";
    public static final String TRANSFER = "file.transfer";
    public static final String READ = "file.read";
    /** An add, delete or transfer that was undone after it had begun (compensated, aborted or parked). */
    public static final String UPLOAD_COMPENSATION = "file.upload.compensation";
    public static final String DELETE_COMPENSATION = "file.delete.compensation";
    public static final String TRANSFER_ABORT = "file.transfer.abort";
    /** An authorization decision: allowed or refused. */
    public static final String ACCESS = "access";

    /** The identity of work the ingester does on its own, such as recovery after a crash. */
    public static final Caller SYSTEM = new Caller("ingester", "ingester", Optional.empty(), Optional.empty());

    /** How an audited operation ended. */
    public enum Outcome {
        /** Done as asked, or access allowed. */
        SUCCEEDED,
        /** Not allowed or not valid: nothing changed. */
        REFUSED,
        /** Attempted and failed; whatever it had begun was undone or is being undone. */
        FAILED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public AuditRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(reason, "reason");
        if (action.isBlank()) {
            throw new IllegalArgumentException("an audit record needs an action");
        }
    }

    /** A record of work the ingester did on its own, with no request behind it. */
    public static AuditRecord system(Instant time, String action, Outcome outcome, Optional<FileId> fileId,
            Optional<StorageElementId> element, Optional<String> reason) {
        return new AuditRecord(time, action, outcome, SYSTEM, Optional.empty(), Optional.empty(), fileId, element, reason);
    }
}
