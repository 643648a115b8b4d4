package io.artstore.ingester.server.audit;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.server.http.Callers;
import io.artstore.ingester.server.http.RequestIds;
import io.artstore.ingester.server.security.SecurityEvents;
import io.javalin.http.Context;
import java.util.Objects;
import java.util.Optional;

/**
 * Access decisions into the audit log and the alert detectors. Requests let through while authentication is off
 * decide nothing and are not recorded; every decision about a token, allowed or refused, is.
 */
public final class AuditedSecurityEvents implements SecurityEvents {

    private final Auditor auditor;

    public AuditedSecurityEvents(Auditor auditor) {
        this.auditor = Objects.requireNonNull(auditor, "auditor");
    }

    @Override
    public void accessAllowed(Context ctx, String ip, String subject, String action) {
        Caller caller = Callers.of(ctx);
        if (caller.isAnonymous()) {
            return;
        }
        auditor.auditAccess(caller, Optional.of(ip), Optional.of(RequestIds.of(ctx)), action, true, Optional.empty(),
                Optional.empty(), "allowed");
        auditor.alerts().tokenUsed(caller, ip);
    }

    @Override
    public void accessRefused(Context ctx, String ip, String subject, String action, String reason) {
        auditor.auditAccess(Callers.of(ctx), Optional.of(ip), Optional.of(RequestIds.of(ctx)), action, false, Optional.empty(),
                Optional.empty(), reason);
    }

    @Override
    public void authenticationFailed(Context ctx, String ip, String reason) {
        auditor.auditAccess(Caller.anonymous(), Optional.of(ip), Optional.of(RequestIds.of(ctx)), "authenticate", false,
                Optional.empty(), Optional.empty(), reason);
        auditor.alerts().authenticationFailed(Optional.of(ip), Optional.empty(), reason);
    }
}
