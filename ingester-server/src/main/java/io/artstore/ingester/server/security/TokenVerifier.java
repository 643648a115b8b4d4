package io.artstore.ingester.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a bearer token locally: RS256 only, signed by the admin module's key (PEM file and/or JWKS) or by this
 * ingester's own key (temporary tokens), with every required claim and its times within the leeway. Which key
 * verified it decides what kind of token it is, never a claim of the token itself.
 */
public final class TokenVerifier {

    /** The admin module's validators require all of these (contracts/auth.md). */
    static final List<String> REQUIRED_CLAIMS = List.of("sub", "type", "role", "name", "jti", "iat", "exp", "nbf");
    /** The claim of a temporary token that holds its scope. */
    static final String SCOPE_CLAIM = "scope";

    private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);

    private final Optional<PemPublicKey> pem;
    private final Optional<JWKSource<SecurityContext>> jwks;
    private final SigningKey own;
    private final RoleTable roles;
    private final Duration leeway;
    private final Clock clock;

    public TokenVerifier(Optional<PemPublicKey> pem, Optional<JWKSource<SecurityContext>> jwks, SigningKey own,
            RoleTable roles, Duration leeway, Clock clock) {
        this.pem = Objects.requireNonNull(pem, "pem");
        this.jwks = Objects.requireNonNull(jwks, "jwks");
        this.own = Objects.requireNonNull(own, "own");
        this.roles = Objects.requireNonNull(roles, "roles");
        this.leeway = Objects.requireNonNull(leeway, "leeway");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The outcome of checking one token. */
    public sealed interface Verification permits Accepted, Rejected {}

    public record Accepted(Grant grant) implements Verification {}

    /** @param reason what the client is told in {@code error_description}: never a key or a secret */
    public record Rejected(String reason) implements Verification {}

    public Verification verify(String token) {
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            return new Rejected("the token is not a JWT");
        }
        if (!(parsed instanceof SignedJWT jwt)) {
            return new Rejected("unsigned tokens (alg none) are refused; only RS256 is accepted");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
            return new Rejected("algorithm " + header.getAlgorithm() + " is refused; only RS256 is accepted");
        }
        boolean temporary = false;
        boolean verified = false;
        try {
            if (own.keyId().equals(header.getKeyID()) && jwt.verify(new RSASSAVerifier(own.publicKey()))) {
                temporary = true;
                verified = true;
            } else {
                for (RSAPublicKey key : adminKeys(header.getKeyID())) {
                    if (jwt.verify(new RSASSAVerifier(key))) {
                        verified = true;
                        break;
                    }
                }
            }
        } catch (JOSEException | IllegalStateException e) {
            return new Rejected("the signature cannot be checked: " + e.getMessage());
        }
        if (!verified) {
            return new Rejected("the signature does not match any accepted key");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return new Rejected("the claims are not a JSON object");
        }
        boolean issuedHere = temporary;
        try {
            return checkTimes(claims).<Verification>map(Rejected::new).orElseGet(() -> new Accepted(grant(claims, issuedHere)));
        } catch (InvalidClaim e) {
            return new Rejected(e.getMessage());
        }
    }

    private List<RSAPublicKey> adminKeys(String keyId) {
        List<RSAPublicKey> keys = new ArrayList<>();
        pem.ifPresent(file -> keys.addAll(file.keys()));
        jwks.ifPresent(source -> {
            JWKMatcher.Builder matcher = new JWKMatcher.Builder().keyType(KeyType.RSA);
            if (keyId != null) {
                matcher.keyID(keyId);
            }
            try {
                for (JWK jwk : source.get(new JWKSelector(matcher.build()), null)) {
                    keys.add(((RSAKey) jwk).toRSAPublicKey());
                }
            } catch (JOSEException e) {
                LOG.warn("cannot read the key set from the JWKS URL: {}", e.getMessage());
            }
        });
        return keys;
    }

    private Optional<String> checkTimes(JWTClaimsSet claims) {
        for (String name : REQUIRED_CLAIMS) {
            if (claims.getClaim(name) == null) {
                return Optional.of("the token has no '" + name + "' claim");
            }
        }
        Instant now = clock.instant();
        Instant expires = time(claims, "exp");
        Instant notBefore = time(claims, "nbf");
        Instant issued = time(claims, "iat");
        if (!now.minus(leeway).isBefore(expires)) {
            return Optional.of("the token expired at " + expires);
        }
        if (notBefore.isAfter(now.plus(leeway))) {
            return Optional.of("the token is not valid before " + notBefore);
        }
        if (issued.isAfter(now.plus(leeway))) {
            return Optional.of("the token was issued in the future, at " + issued);
        }
        return Optional.empty();
    }

    private static Instant time(JWTClaimsSet claims, String name) {
        try {
            Date date = claims.getDateClaim(name);
            return date.toInstant();
        } catch (ParseException e) {
            throw new InvalidClaim("the '" + name + "' claim is not a NumericDate");
        }
    }

    private Grant grant(JWTClaimsSet claims, boolean temporary) {
        String subject = string(claims, "sub");
        String name = string(claims, "name");
        String type = string(claims, "type");
        String role = string(claims, "role");
        if (type.equals("refresh")) {
            throw new InvalidClaim("a refresh token is not an access token");
        }
        Caller caller;
        try {
            caller = new Caller(subject, name, optionalString(claims, "client_id"), Optional.of(string(claims, "jti")));
        } catch (IllegalArgumentException e) {
            throw new InvalidClaim("the 'sub' and 'name' claims must not be blank");
        }
        Instant expires = time(claims, "exp");
        OptionalInt rateLimit = optionalInt(claims, "rate_limit");
        if (temporary) {
            return temporaryGrant(claims, caller, role, rateLimit, expires);
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        permissions.addAll(roles.permissions(role));
        // Custom claims narrow what the role allows, never widen it.
        Optional<List<String>> narrowed = stringList(claims, "permissions");
        narrowed.ifPresent(names -> permissions.retainAll(names.stream().map(Permission::find).flatMap(Optional::stream).toList()));
        Optional<Set<StorageElementId>> elements = stringList(claims, "storage_elements").map(ids -> {
            Set<StorageElementId> set = new HashSet<>();
            ids.forEach(id -> set.add(parse(() -> StorageElementId.of(id), "storage_elements")));
            return set;
        });
        Optional<Set<Mode>> modes = stringList(claims, "storage_modes").map(names -> {
            Set<Mode> set = EnumSet.noneOf(Mode.class);
            names.forEach(mode -> set.add(parse(() -> Mode.parse(mode), "storage_modes")));
            return set;
        });
        return new Grant(caller, role, permissions, elements, modes, OptionalLong.empty(), OptionalInt.empty(), rateLimit,
                false, expires);
    }

    /** A temporary token may do exactly the one operation of its scope, nothing its role might say. */
    private static Grant temporaryGrant(JWTClaimsSet claims, Caller caller, String role, OptionalInt rateLimit, Instant expires) {
        Object raw = claims.getClaim(SCOPE_CLAIM);
        if (!(raw instanceof Map<?, ?> scope) || !(scope.get("operation") instanceof String operationName)) {
            throw new InvalidClaim("a temporary token needs a scope with an operation");
        }
        Permission operation = Permission.find(operationName)
                .orElseThrow(() -> new InvalidClaim("the scope's operation '" + operationName + "' is unknown"));
        Optional<Set<StorageElementId>> elements = Optional.ofNullable(scope.get("storage_element_id"))
                .map(id -> Set.of(parse(() -> StorageElementId.of(id.toString()), "scope.storage_element_id")));
        Optional<Set<Mode>> modes = Optional.ofNullable(scope.get("mode"))
                .map(mode -> Set.of(parse(() -> Mode.parse(mode.toString()), "scope.mode")));
        OptionalLong maxBytes = scope.get("max_bytes") instanceof Number n ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
        OptionalInt uses = scope.get("uses") instanceof Number n ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
        return new Grant(caller, role, Set.of(operation), elements, modes, maxBytes, uses, rateLimit, true, expires);
    }

    private static <T> T parse(java.util.function.Supplier<T> parser, String claim) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidClaim("the '" + claim + "' claim holds a value that is not valid: " + e.getMessage());
        }
    }

    private static String string(JWTClaimsSet claims, String name) {
        if (claims.getClaim(name) instanceof String text) {
            return text;
        }
        throw new InvalidClaim("the '" + name + "' claim must be a string");
    }

    private static Optional<String> optionalString(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String text) {
            return Optional.of(text).filter(t -> !t.isBlank());
        }
        throw new InvalidClaim("the '" + name + "' claim must be a string");
    }

    private static OptionalInt optionalInt(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        if (value == null) {
            return OptionalInt.empty();
        }
        if (value instanceof Number number && number.longValue() > 0 && number.longValue() <= Integer.MAX_VALUE) {
            return OptionalInt.of(number.intValue());
        }
        throw new InvalidClaim("the '" + name + "' claim must be a positive whole number");
    }

    private static Optional<List<String>> stringList(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return Optional.of(list.stream().map(String.class::cast).toList());
        }
        throw new InvalidClaim("the '" + name + "' claim must be a list of strings");
    }

    /** A claim that is present but cannot be understood: the token is refused rather than guessed at. */
    private static final class InvalidClaim extends RuntimeException {
        InvalidClaim(String message) {
            super(message, null, false, false);
        }
    }
}
