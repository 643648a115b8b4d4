package io.artstore.ingester.server.metrics;

import io.artstore.ingester.server.security.RoutePolicy;
import io.artstore.ingester.server.security.SecurityEvents;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Counts access decisions by decision and by the permission the route needs (never by path or subject, which have
 * no bound), then passes every event on to {@code next}.
 */
public final class AccessMetrics implements SecurityEvents {

    private final SecurityEvents next;
    private final MeterRegistry registry;

    public AccessMetrics(SecurityEvents next, Metrics metrics) {
        this.next = Objects.requireNonNull(next, "next");
        this.registry = metrics.registry();
    }

    @Override
    public void accessAllowed(Context ctx, String ip, String subject, String action) {
        try {
            decision(ctx, "allowed");
        } finally {
            next.accessAllowed(ctx, ip, subject, action);
        }
    }

    @Override
    public void accessRefused(Context ctx, String ip, String subject, String action, String reason) {
        try {
            decision(ctx, "refused");
        } finally {
            next.accessRefused(ctx, ip, subject, action, reason);
        }
    }

    @Override
    public void authenticationFailed(Context ctx, String ip, String reason) {
        try {
            decision(ctx, "unauthenticated");
        } finally {
            next.authenticationFailed(ctx, ip, reason);
        }
    }

    @Override
    public void blocked(String kind, String value, String reason) {
        try {
            Counter.builder("artstore.access.blocks")
                    .description("Client addresses or subjects blocked for a cool-down by the flood or authentication-failure"
                            + " detector, by kind")
                    .tag("kind", kind).register(registry).increment();
        } finally {
            next.blocked(kind, value, reason);
        }
    }

    private void decision(Context ctx, String decision) {
        Counter.builder("artstore.access.decisions")
                .description("Access decisions: allowed, refused (403, 429, the admin API's 404) or unauthenticated (401), by"
                        + " the permission the route needs (none for open routes)")
                .tags("decision", decision, "permission", permission(ctx)).register(registry).increment();
    }

    private static String permission(Context ctx) {
        RoutePolicy.Rule rule = RoutePolicy.decide(ctx.method().name(), ctx.req().getRequestURI()).rule();
        return rule instanceof RoutePolicy.Needs needs ? needs.permission().wireName()
                : rule instanceof RoutePolicy.Authenticated ? "authenticated" : "none";
    }
}
