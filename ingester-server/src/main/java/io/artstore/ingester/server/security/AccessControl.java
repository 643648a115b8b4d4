package io.artstore.ingester.server.security;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.TokenUses;
import io.artstore.ingester.server.config.AbuseSettings;
import io.artstore.ingester.server.http.Callers;
import io.artstore.ingester.server.http.ErrorResponses;
import io.artstore.ingester.server.http.VectorClockHeader;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides whether a request is served, before any route acts: the client's address and its
 * rate (before authentication, so that floods of bad tokens stay cheap), blocks, the bearer token, the subject's
 * rate, the permission the {@link RoutePolicy} names, the storage element of the file it acts on, the vector-clock
 * header, a temporary token's uses and the subject's concurrent uploads. What only the upload's form says (mode,
 * element, size) is checked by {@link UploadAdmission} with the grant decided here.
 */
public final class AccessControl {

    static final String GRANT = "artstore.grant";
    private static final String CLIENT_IP = "artstore.client-ip";
    private static final String UPLOAD_PERMIT = "artstore.upload-permit";
    private static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

    private final Optional<TokenVerifier> verifier;
    private final boolean adminWithoutAuth;
    private final TokenUses uses;
    private final AbuseSettings abuse;
    private final ClientAddress addresses;
    private final Blocklist blocks;
    private final TokenBuckets ipBuckets;
    private final TokenBuckets subjectBuckets;
    private final Function<FileId, Optional<CatalogEntry>> files;
    private final SecurityEvents events;
    private final Map<String, Semaphore> uploads = new ConcurrentHashMap<>();

    /**
     * @param verifier empty when authentication is off: every request is the anonymous caller's
     * @param adminWithoutAuth serve {@code /api/v1/admin/**} although authentication is off
     * @param files the catalogue entry of a file, for the storage element a token must reach
     */
    public AccessControl(Optional<TokenVerifier> verifier, boolean adminWithoutAuth, TokenUses uses, AbuseSettings abuse,
            Blocklist blocks, TokenBuckets buckets, Function<FileId, Optional<CatalogEntry>> files, SecurityEvents events) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.adminWithoutAuth = adminWithoutAuth;
        this.uses = Objects.requireNonNull(uses, "uses");
        this.abuse = Objects.requireNonNull(abuse, "abuse");
        this.addresses = new ClientAddress(abuse.trustedProxies());
        this.blocks = Objects.requireNonNull(blocks, "blocks");
        this.ipBuckets = Objects.requireNonNull(buckets, "buckets");
        this.subjectBuckets = buckets;
        this.files = Objects.requireNonNull(files, "files");
        this.events = Objects.requireNonNull(events, "events");
        if (verifier.isEmpty() && adminWithoutAuth) {
            LOG.warn("ADMIN API ON WITHOUT AUTHENTICATION (admin.enabled_without_auth): anyone who can reach the port can"
                    + " list and retry sagas and lift blocks under /api/v1/admin/; keep the server on a trusted network");
        }
    }

    /** Register before every other handler, so that a refusal comes before anything acts. */
    public void register(RoutesConfig routes) {
        routes.before(this::check);
        routes.after(this::release);
        routes.exception(AccessRefused.class, (e, ctx) -> {
            events.accessRefused(ctx, clientIp(ctx), Callers.of(ctx).subject(), ctx.method() + " " + ctx.path(), e.getMessage());
            ErrorResponses.send(ctx, 403, e.code(), e.getMessage());
        });
    }

    /** The client's address, as {@code trusted_proxies} let it be read; set for every request. */
    public static String clientIp(Context ctx) {
        String ip = ctx.attribute(CLIENT_IP);
        return ip == null ? ctx.ip() : ip;
    }

    /** The grant of the request's token; empty with authentication off. */
    public static Optional<Grant> grant(Context ctx) {
        return Optional.ofNullable(ctx.attribute(GRANT));
    }

    private void check(Context ctx) {
        String ip = addresses.resolve(ctx.req().getRemoteAddr(), Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
        ctx.attribute(CLIENT_IP, ip);
        String rawPath = ctx.req().getRequestURI();
        RoutePolicy.Decision decision = RoutePolicy.decide(ctx.method().name(), rawPath);
        String action = action(ctx, decision);
        if (!RoutePolicy.normalise(rawPath).startsWith("/health/")) {
            Optional<Blocklist.Block> block = blocks.find(Blocklist.Kind.IP, ip);
            if (block.isPresent()) {
                refuseBlocked(ctx, ip, "anonymous", action, block.get());
                return;
            }
            if (abuse.ipRequestsPerMinute() > 0) {
                Duration wait = ipBuckets.take("ip:" + ip, abuse.ipRequestsPerMinute());
                if (!wait.isZero()) {
                    blocks.strike(Blocklist.Kind.IP, ip, abuse.refusalsBeforeBlock(), "flood: too many requests refused for their rate")
                            .ifPresent(this::announce);
                    refuseRate(ctx, ip, "anonymous", action, wait, "client address " + ip + " sends more than "
                            + abuse.ipRequestsPerMinute() + " requests per minute");
                    return;
                }
            }
        }
        if (verifier.isEmpty()) {
            if (RoutePolicy.isAdmin(rawPath) && !adminWithoutAuth) {
                events.accessRefused(ctx, ip, "anonymous", action, "admin API off without authentication");
                refuse(ctx, 404, "admin_api_disabled", "the admin API is off while authentication is off; set"
                        + " admin.enabled_without_auth (INGESTER_ADMIN_ENABLED_WITHOUT_AUTH) to on to serve it anyway, only on a"
                        + " trusted network");
                return;
            }
            events.accessAllowed(ctx, ip, "anonymous", action);
            return;
        }
        if (decision.rule() instanceof RoutePolicy.Open) {
            return;
        }
        Optional<Grant> authenticated = authenticate(ctx, ip);
        if (authenticated.isEmpty()) {
            return;
        }
        Grant grant = authenticated.get();
        String subject = grant.caller().subject();
        // Known from here on, so that refusals below are recorded against the token too.
        Callers.set(ctx, grant.caller());
        Optional<Blocklist.Block> block = blocks.find(Blocklist.Kind.SUBJECT, subject);
        if (block.isPresent()) {
            refuseBlocked(ctx, ip, subject, action, block.get());
            return;
        }
        int perMinute = grant.rateLimit().orElse(abuse.subjectRequestsPerMinute());
        if (perMinute > 0) {
            Duration wait = subjectBuckets.take("subject:" + subject, perMinute);
            if (!wait.isZero()) {
                blocks.strike(Blocklist.Kind.SUBJECT, subject, abuse.refusalsBeforeBlock(),
                        "flood: too many requests refused for their rate").ifPresent(this::announce);
                refuseRate(ctx, ip, subject, action, wait, "subject " + subject + " may send " + perMinute + " requests per minute");
                return;
            }
        }
        Optional<AccessRefused> refusal = authorize(ctx, grant, decision);
        if (refusal.isPresent()) {
            events.accessRefused(ctx, ip, subject, action, refusal.get().getMessage());
            refuse(ctx, 403, refusal.get().code(), refusal.get().getMessage());
            return;
        }
        boolean continuing = RoutePolicy.continuesUpload(ctx.method().name(), rawPath);
        if (!continuing && grant.uses().isPresent() && !uses.tryUse(grant.caller().tokenId().orElseThrow(), grant.uses().getAsInt(), grant.expiresAt())) {
            unauthorized(ctx, ip, "the temporary token's " + grant.uses().getAsInt() + " use(s) are spent");
            return;
        }
        boolean sendsBytes = !continuing || ctx.method().name().equals("PATCH");
        if (decision.rule() instanceof RoutePolicy.Needs needs && needs.permission() == Permission.FILES_UPLOAD
                && sendsBytes && abuse.concurrentUploadsPerSubject() > 0) {
            Semaphore permits = uploads.computeIfAbsent(subject, s -> new Semaphore(abuse.concurrentUploadsPerSubject()));
            if (!permits.tryAcquire()) {
                refuseRate(ctx, ip, subject, action, Duration.ofSeconds(1), "subject " + subject + " has "
                        + abuse.concurrentUploadsPerSubject() + " uploads in flight, the most allowed at once");
                return;
            }
            ctx.attribute(UPLOAD_PERMIT, permits);
        }
        Callers.set(ctx, grant.caller());
        ctx.attribute(GRANT, grant);
        events.accessAllowed(ctx, ip, subject, action);
    }

    private Optional<Grant> authenticate(Context ctx, String ip) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            unauthorized(ctx, ip, "send Authorization: Bearer <token>");
            return Optional.empty();
        }
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            unauthorized(ctx, ip, "the Authorization header must be Bearer <token>");
            return Optional.empty();
        }
        TokenVerifier.Verification verification = verifier.orElseThrow().verify(header.substring(7).trim());
        if (verification instanceof TokenVerifier.Rejected rejected) {
            unauthorized(ctx, ip, rejected.reason());
            return Optional.empty();
        }
        return Optional.of(((TokenVerifier.Accepted) verification).grant());
    }

    private Optional<AccessRefused> authorize(Context ctx, Grant grant, RoutePolicy.Decision decision) {
        if (ctx.header(VectorClockHeader.NAME) != null && !grant.allows(Permission.CLOCKS_SEND)) {
            return Optional.of(new AccessRefused("vector_clock_not_allowed", "the token may not send the " + VectorClockHeader.NAME
                    + " header (needs permission " + Permission.CLOCKS_SEND + "); send the request without it"));
        }
        if (!(decision.rule() instanceof RoutePolicy.Needs needs)) {
            return Optional.empty();
        }
        if (!grant.allows(needs.permission())) {
            return forbidden("the token's " + (grant.temporary() ? "scope" : "role '" + grant.role() + "'")
                    + " does not allow " + needs.permission());
        }
        if (needs.permission() == Permission.FILES_TRANSFER && !grant.reachesMode(Mode.RW)) {
            return forbidden("the token may not act on rw storage elements, where a transfer goes");
        }
        Optional<String> fileId = decision.fileId();
        if (fileId.isEmpty() || (grant.elements().isEmpty() && grant.modes().isEmpty())) {
            return Optional.empty();
        }
        Optional<CatalogEntry> entry;
        try {
            entry = files.apply(FileId.parse(fileId.get()));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a file id: the route answers 400
        }
        if (entry.isEmpty()) {
            return forbidden("the token is limited to some storage elements, and file " + fileId.get()
                    + " is not in the catalogue, so where it lies is not known");
        }
        if (!grant.reaches(entry.get().elementId(), entry.get().mode())) {
            return forbidden("the token may not act on storage element " + entry.get().elementId().value() + " ("
                    + entry.get().mode().wireName() + "), where file " + fileId.get() + " lies");
        }
        return Optional.empty();
    }

    private static Optional<AccessRefused> forbidden(String message) {
        return Optional.of(new AccessRefused("forbidden", message));
    }

    private void release(Context ctx) {
        Semaphore permits = ctx.attribute(UPLOAD_PERMIT);
        if (permits != null) {
            ctx.attribute(UPLOAD_PERMIT, null);
            permits.release();
        }
    }

    private void unauthorized(Context ctx, String ip, String reason) {
        events.authenticationFailed(ctx, ip, reason);
        blocks.strike(Blocklist.Kind.IP, ip, abuse.authFailuresBeforeBlock(), "repeated authentication failures")
                .ifPresent(this::announce);
        ctx.header(WWW_AUTHENTICATE, "Bearer error=\"invalid_token\", error_description=\""
                + reason.replace('"', '\'').replace('\\', '/') + "\"");
        refuse(ctx, 401, "invalid_token", reason);
    }

    private void refuseRate(Context ctx, String ip, String subject, String action, Duration wait, String reason) {
        events.accessRefused(ctx, ip, subject, action, reason);
        ctx.header("Retry-After", String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000)));
        refuse(ctx, 429, "rate_limited", reason + "; retry after the time in Retry-After");
    }

    private void refuseBlocked(Context ctx, String ip, String subject, String action, Blocklist.Block block) {
        events.accessRefused(ctx, ip, subject, action, "blocked");
        Duration left = blocks.remaining(block);
        ctx.header("Retry-After", String.valueOf(Math.max(1, left.toSeconds() + 1)));
        refuse(ctx, 429, "blocked", block.kind().wireName() + " " + block.value() + " is blocked until " + block.until()
                + " (" + block.reason() + ")");
    }

    private void announce(Blocklist.Block block) {
        LOG.warn("blocked {} {} until {}: {}", block.kind().wireName(), block.value(), block.until(), block.reason());
        events.blocked(block.kind().wireName(), block.value(), block.reason());
    }

    private static void refuse(Context ctx, int status, String code, String message) {
        ErrorResponses.send(ctx, status, code, message);
        ctx.skipRemainingHandlers();
    }

    private static String action(Context ctx, RoutePolicy.Decision decision) {
        return decision.rule() instanceof RoutePolicy.Needs needs ? needs.permission().wireName() : ctx.method() + " " + ctx.path();
    }
}
