package io.artstore.ingester.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key rotation while the server runs: a replaced PEM file, and keys from a JWKS URL by kid. */
class KeyRotationTest {

    /** What {@code GET /api/v1/sagas/none} answers once the token passed: the route's own 404. */
    private static final int PAST_AUTHENTICATION = 404;

    @TempDir
    Path folder;

    @Test
    void a_replaced_pem_file_is_taken_and_the_old_key_lasts_for_the_grace_period() throws Exception {
        try (SecureServer secure = SecureServer.start(folder, "INGESTER_AUTH_ROTATION_GRACE", "4s",
                // Polling must not trip the address's rate limit, which comes before authentication.
                "INGESTER_LIMITS_IP_REQUESTS_PER_MINUTE", "0", "INGESTER_LIMITS_SUBJECT_REQUESTS_PER_MINUTE", "0",
                "INGESTER_LIMITS_AUTH_FAILURES_BEFORE_BLOCK", "0")) {
            Keys old = secure.keys();
            String oldToken = secure.token("readonly", "before");
            assertThat(secure.get(oldToken, "/api/v1/sagas/none").status()).isEqualTo(PAST_AUTHENTICATION);

            Keys next = Keys.generate();
            String newToken = Tokens.auth0(next, Tokens.claims("readonly", "after"));
            SecureServer.assertUnauthorized(secure.get(newToken, "/api/v1/sagas/none"));
            next.writePublicPem(secure.keyFile());
            TestServer.await("the new key is taken", () -> secure.get(newToken, "/api/v1/sagas/none").status() == PAST_AUTHENTICATION);
            assertThat(secure.get(Tokens.nimbus(old, Tokens.claims("readonly", "late")), "/api/v1/sagas/none").status())
                    .as("the old key within its grace period").isEqualTo(PAST_AUTHENTICATION);
            TestServer.await("the old key's grace period is over",
                    () -> secure.get(oldToken, "/api/v1/sagas/none").status() == 401);
            assertThat(secure.get(newToken, "/api/v1/sagas/none").status()).isEqualTo(PAST_AUTHENTICATION);

            // A broken file keeps the key in use; a later valid one is taken again.
            Files.writeString(secure.keyFile(), "this is not a key");
            Keys third = Keys.generate();
            String thirdToken = Tokens.nimbus(third, Tokens.claims("readonly", "third"));
            for (int i = 0; i < 20; i++) {
                assertThat(secure.get(newToken, "/api/v1/sagas/none").status()).isEqualTo(PAST_AUTHENTICATION);
            }
            third.writePublicPem(secure.keyFile());
            TestServer.await("the third key is taken", () -> secure.get(thirdToken, "/api/v1/sagas/none").status() == PAST_AUTHENTICATION);
        }
    }

    @Test
    void keys_come_from_a_jwks_url_by_kid_and_unknown_kids_refresh_it_at_most_once_per_interval() throws Exception {
        Keys first = Keys.generate();
        Keys second = Keys.generate();
        try (JwksServer jwks = JwksServer.serving(new JWKSet(new RSAKey.Builder(first.publicKey()).keyID("k1").build()));
                TestServer server = TestServer.builder().env("AUTH_ENABLED", "on")
                .env("AUTH_JWKS_URL", jwks.url().toString())
                .env("INGESTER_AUTH_JWKS_REFRESH_INTERVAL", "5s")
                .env("INGESTER_LIMITS_AUTH_FAILURES_BEFORE_BLOCK", "0").env("INGESTER_LIMITS_IP_REQUESTS_PER_MINUTE", "0").start()) {
            String byFirst = Tokens.nimbus(first, Tokens.claims("readonly", "one"), "k1");
            assertThat(get(server, byFirst).status()).isEqualTo(PAST_AUTHENTICATION);
            Keys attacker = Keys.generate();
            java.util.List<String> unknown = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                unknown.add(Tokens.nimbus(attacker, Tokens.claims("readonly", "x"), "nope-" + i));
            }
            int afterFirst = jwks.fetches();
            long started = System.nanoTime();
            // Unknown kids from an attacker: refreshes are rate-limited, not one per request.
            unknown.forEach(token -> SecureServer.assertUnauthorized(get(server, token)));
            long intervals = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) / 5;
            assertThat(jwks.fetches() - afterFirst).isLessThanOrEqualTo(1 + (int) intervals).isLessThan(unknown.size());
            SecureServer.assertUnauthorized(get(server, Tokens.nimbus(second, Tokens.claims("readonly", "two"), "k1")));

            jwks.publish(new JWKSet(java.util.List.of(new RSAKey.Builder(second.publicKey()).keyID("k2").build(),
                    new RSAKey.Builder(first.publicKey()).keyID("k1").build())));
            String bySecond = Tokens.nimbus(second, Tokens.claims("readonly", "two"), "k2");
            TestServer.await("the new kid is fetched", () -> get(server, bySecond).status() == PAST_AUTHENTICATION);
            assertThat(get(server, byFirst).status()).isEqualTo(PAST_AUTHENTICATION);
        }
    }

    private static Reply get(TestServer server, String token) {
        return server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/sagas/none"))
                .header("Authorization", "Bearer " + token).GET());
    }
}
