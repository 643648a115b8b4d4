package io.artstore.ingester.server.audit;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.core.port.out.AuditRecord.Outcome;
import io.artstore.ingester.core.port.out.AuditTrail;
import io.artstore.ingester.server.http.Callers;
import io.artstore.ingester.server.http.RequestIds;
import io.javalin.config.Key;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes the audit records of requests: who ({@link Callers#of}), from where, which request, what, how it ended. Every
 * record also goes to the {@link SecurityMonitor}, whose detectors count deletes and uploads. Routes find the
 * auditor through the request ({@link #of}), so that no route's constructor needs it.
 */
public final class Auditor {

    /** Where the HTTP API keeps the auditor for its routes. */
    public static final Key<Auditor> KEY = new Key<>("artstore.auditor");

    /** Audits nothing: for an API built without an audit trail. */
    public static final Auditor NONE = new Auditor(AuditTrail.none(), SecurityMonitor.none(), Clock.systemUTC());

    private final AuditTrail trail;
    private final SecurityMonitor monitor;
    private final Clock clock;

    public Auditor(AuditTrail trail, SecurityMonitor monitor, Clock clock) {
        this.trail = Objects.requireNonNull(trail, "trail");
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The auditor of the API that serves {@code ctx}. */
    public static Auditor of(Context ctx) {
        try {
            Auditor auditor = ctx.appData(KEY);
            return auditor == null ? NONE : auditor;
        } catch (RuntimeException e) {
            return NONE;
        }
    }

    public SecurityMonitor alerts() {
        return monitor;
    }

    /** A file operation a request asked for that was done. */
    public void succeeded(Context ctx, String action, FileId fileId, Optional<StorageElementId> element, Optional<String> reason) {
        record(request(ctx, action, Outcome.SUCCEEDED, Optional.of(fileId), element, reason));
    }

    /** A file operation a request asked for that was refused or failed; {@code error} says which. */
    public void failed(Context ctx, String action, Optional<FileId> fileId, Optional<StorageElementId> element,
            RuntimeException error) {
        Outcome outcome = Outcome.FAILED;
        String reason = String.valueOf(error.getMessage());
        if (error instanceof IngestException ingest) {
            outcome = switch (ingest.kind()) {
                case INTERNAL, UNAVAILABLE, CLIENT_ABORTED -> Outcome.FAILED;
                default -> Outcome.REFUSED;
            };
            reason = ingest.code() + ": " + ingest.getMessage();
        }
        record(request(ctx, action, outcome, fileId, element, Optional.of(reason)));
    }

    /**
     * An authorization decision, for authentication to call for every request it allows or refuses.
     *
     * @param permission what was asked for, e.g. {@code files:delete}
     * @param reason why it was allowed or refused (a role, a scope, an invalid token)
     */
    public void auditAccess(Context ctx, String permission, boolean allowed, Optional<FileId> fileId,
            Optional<StorageElementId> element, String reason) {
        record(request(ctx, AuditRecord.ACCESS, allowed ? Outcome.SUCCEEDED : Outcome.REFUSED, fileId, element,
                Optional.of(permission + ": " + reason)));
    }

    /** The same, for a caller known without an HTTP request. */
    public void auditAccess(Caller caller, Optional<String> clientIp, Optional<String> requestId, String permission,
            boolean allowed, Optional<FileId> fileId, Optional<StorageElementId> element, String reason) {
        record(new AuditRecord(clock.instant(), AuditRecord.ACCESS, allowed ? Outcome.SUCCEEDED : Outcome.REFUSED, caller,
                clientIp, requestId, fileId, element, Optional.of(permission + ": " + reason)));
    }

    /** Any record, e.g. of work the ingester did on its own ({@link AuditRecord#system}). */
    public void record(AuditRecord record) {
        trail.record(record);
        monitor.observe(record);
    }

    private AuditRecord request(Context ctx, String action, Outcome outcome, Optional<FileId> fileId,
            Optional<StorageElementId> element, Optional<String> reason) {
        return new AuditRecord(clock.instant(), action, outcome, Callers.of(ctx), Optional.ofNullable(ctx.ip()),
                Optional.of(RequestIds.of(ctx)), fileId, element, reason);
    }
}
