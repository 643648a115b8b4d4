package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.server.security.AccessControl;
import io.artstore.ingester.server.security.AccessRefused;
import io.artstore.ingester.server.security.Grant;
import io.artstore.ingester.server.security.Permission;
import io.artstore.ingester.server.security.SigningKey;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /api/v1/tokens}: a short-lived token for one operation, optionally one storage element or mode, a
 * largest file and a number of uses, signed with the ingester's own key — for a browser page or a hand-off to
 * another service. The caller must hold the right it delegates, and can delegate no further than it reaches.
 * {@code GET /.well-known/jwks.json} publishes the key that checks those tokens.
 */
public final class TokenRoutes {

    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);
    public static final Duration MAX_LIFETIME = Duration.ofHours(1);

    private final SigningKey key;
    private final Clock clock;

    public TokenRoutes(SigningKey key, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/v1/tokens", this::issue);
        routes.get("/.well-known/jwks.json", ctx -> ctx.contentType("application/json")
                .result(Json.MAPPER.writeValueAsString(key.jwks())));
    }

    private void issue(Context ctx) throws IOException {
        Grant grant = AccessControl.grant(ctx).orElseThrow(() -> new IllegalStateException("no grant on an authenticated route"));
        if (grant.temporary()) {
            throw new AccessRefused("forbidden", "a temporary token cannot issue tokens");
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.bodyInputStream());
        } catch (IOException e) {
            throw IngestException.invalid("invalid_json", "the body must be a JSON object: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw IngestException.invalid("invalid_json", "the body must be a JSON object such as {\"operation\":\"files:upload\"}");
        }
        Permission operation = Permission.find(text(body, "operation").orElseThrow(() -> IngestException.invalid(
                        "missing_operation", "say which operation the token is for, e.g. \"operation\": \"files:upload\"")))
                .filter(p -> p != Permission.ADMIN && p != Permission.CLOCKS_SEND)
                .orElseThrow(() -> IngestException.invalid("invalid_operation", "operation must be one of files:upload,"
                        + " files:read, files:delete, files:transfer, sagas:read"));
        if (!grant.allows(operation)) {
            throw new AccessRefused("forbidden", "the token's role '" + grant.role() + "' does not allow " + operation
                    + ", so it cannot delegate it");
        }
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("operation", operation.wireName());
        Optional<StorageElementId> element = text(body, "storage_element_id").map(id -> parse(() -> StorageElementId.of(id),
                "storage_element_id"));
        Optional<Mode> mode = text(body, "mode").map(m -> parse(() -> Mode.parse(m), "mode"));
        if (grant.elements().isPresent()) {
            if (element.isEmpty() && grant.elements().get().size() == 1) {
                element = Optional.of(grant.elements().get().iterator().next());
            }
            if (element.isEmpty() || !grant.elements().get().contains(element.get())) {
                throw new AccessRefused("forbidden", "the token is limited to storage elements " + grant.elements().get().stream()
                        .map(StorageElementId::value).sorted().toList() + "; name one of them in storage_element_id");
            }
        }
        if (grant.modes().isPresent()) {
            if (mode.isEmpty() && grant.modes().get().size() == 1) {
                mode = Optional.of(grant.modes().get().iterator().next());
            }
            if (mode.isEmpty() || !grant.modes().get().contains(mode.get())) {
                throw new AccessRefused("forbidden", "the token is limited to storage element modes " + grant.modes().get()
                        + "; name one of them in mode");
            }
        }
        element.ifPresent(id -> scope.put("storage_element_id", id.value()));
        mode.ifPresent(m -> scope.put("mode", m.wireName()));
        positive(body, "max_bytes").ifPresent(max -> scope.put("max_bytes", max));
        positive(body, "uses").ifPresent(uses -> {
            if (uses > 1_000_000) {
                throw IngestException.invalid("invalid_uses", "uses must be at most 1000000");
            }
            scope.put("uses", uses);
        });
        Duration lifetime = positive(body, "expires_in").map(Duration::ofSeconds).orElse(DEFAULT_LIFETIME);
        if (lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw IngestException.invalid("invalid_expires_in", "expires_in must be at most " + MAX_LIFETIME.toSeconds() + " seconds");
        }
        Caller caller = grant.caller();
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        String jti = UUID.randomUUID().toString();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(caller.subject())
                .claim("name", caller.name())
                .claim("type", "temporary")
                .claim("role", grant.role())
                .jwtID(jti)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .claim("scope", scope);
        caller.clientId().ifPresent(id -> claims.claim("client_id", id));
        grant.rateLimit().ifPresent(limit -> claims.claim("rate_limit", limit));
        ObjectNode json = Json.object()
                .put("access_token", key.sign(claims.build()))
                .put("token_type", "Bearer")
                .put("expires_in", lifetime.toSeconds())
                .put("expires_at", expires.toString())
                .put("jti", jti);
        json.set("scope", Json.MAPPER.valueToTree(scope));
        Json.send(ctx, 201, json);
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw IngestException.invalid("invalid_" + field, field + " must be a non-empty string");
        }
        return Optional.of(node.asText());
    }

    private static Optional<Long> positive(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() <= 0) {
            throw IngestException.invalid("invalid_" + field, field + " must be a positive whole number");
        }
        return Optional.of(node.asLong());
    }

    private static <T> T parse(java.util.function.Supplier<T> parser, String field) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_" + field, e.getMessage());
        }
    }
}
