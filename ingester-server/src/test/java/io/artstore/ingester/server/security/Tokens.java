package io.artstore.ingester.server.security;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tokens as the admin module issues them (contracts/auth.md), minted by nimbus-jose-jwt or by java-jwt, a second
 * implementation that shares no code with the ingester's, so that a fault common to the minting and the checking
 * side cannot hide.
 */
public final class Tokens {

    private Tokens() {
    }

    /** The claims of a service account's 30-minute token of {@code role}, issued now. */
    public static Map<String, Object> claims(String role, String name) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", UUID.randomUUID().toString());
        claims.put("type", "service_account");
        claims.put("role", role);
        claims.put("name", name);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plusSeconds(1800).getEpochSecond());
        claims.put("client_id", "sa_test_" + name + "_0123abcd");
        return claims;
    }

    /** RS256 by nimbus, with no {@code kid}, as the admin module signs. */
    public static String nimbus(Keys keys, Map<String, Object> claims) {
        return nimbus(keys, claims, null);
    }

    public static String nimbus(Keys keys, Map<String, Object> claims, String keyId) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach((name, value) -> {
            if (List.of("iat", "nbf", "exp").contains(name)) {
                builder.claim(name, new Date(((Number) value).longValue() * 1000));
            } else {
                builder.claim(name, value);
            }
        });
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(keyId).build(),
                builder.build());
        try {
            jwt.sign(new RSASSASigner(keys.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** RS256 by java-jwt. */
    public static String auth0(Keys keys, Map<String, Object> claims) {
        return auth0(claims, Algorithm.RSA256(keys.publicKey(), keys.privateKey()));
    }

    public static String auth0(Map<String, Object> claims, Algorithm algorithm) {
        JWTCreator.Builder builder = JWT.create();
        claims.forEach((name, value) -> {
            switch (name) {
                case "iat" -> builder.withIssuedAt(Instant.ofEpochSecond(((Number) value).longValue()));
                case "nbf" -> builder.withNotBefore(Instant.ofEpochSecond(((Number) value).longValue()));
                case "exp" -> builder.withExpiresAt(Instant.ofEpochSecond(((Number) value).longValue()));
                default -> {
                    if (value instanceof List<?> list) {
                        builder.withClaim(name, list.stream().map(Object::toString).toList());
                    } else if (value instanceof Number number) {
                        builder.withClaim(name, number.longValue());
                    } else {
                        builder.withClaim(name, value.toString());
                    }
                }
            }
        });
        return builder.sign(algorithm);
    }
}
