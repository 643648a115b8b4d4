package io.artstore.ingester.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.server.config.AbuseSettings;
import io.artstore.ingester.server.config.AuthSettings;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key that the JWKS document stops publishing stays valid for the rotation grace period, then is refused. */
class JwksRotationGraceTest {

    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final Duration REFRESH = Duration.ofMillis(200);

    @TempDir
    Path folder;
    // Starts at the real time: the test tokens are issued now and live 30 minutes.
    private final ManualClock clock = new ManualClock(Instant.now());
    private JwksServer server;
    private TokenVerifier verifier;

    @BeforeEach
    void serveTheKeySet() {
        server = JwksServer.serving(new JWKSet());
        AuthSettings auth = new AuthSettings(true, Optional.empty(), Optional.of(server.url()), Optional.empty(),
                Optional.empty(), AuthSettings.DEFAULT_LEEWAY, GRACE, REFRESH, Map.of(), AbuseSettings.defaults());
        verifier = new TokenVerifier(Optional.empty(), Security.jwks(auth, clock), SigningKey.openOrCreate(folder.resolve("own")),
                RoleTable.of(Map.of()), AuthSettings.DEFAULT_LEEWAY, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static RSAKey jwk(Keys keys, String kid) {
        return new RSAKey.Builder(keys.publicKey()).keyID(kid).build();
    }

    private boolean accepted(String token) {
        return verifier.verify(token) instanceof TokenVerifier.Accepted;
    }

    /** Publishes {@code first} alone as k1; returns a token it signed, which is accepted. */
    private String publishFirst(Keys first) {
        server.publish(new JWKSet(jwk(first, "k1")));
        String byFirst = Tokens.nimbus(first, Tokens.claims("readonly", "one"), "k1");
        assertThat(accepted(byFirst)).isTrue();
        return byFirst;
    }

    /**
     * Publishes {@code next} under {@code kid}, with {@code alsoPublished}, and waits, past the refresh rate limit,
     * until a token of {@code kid} is accepted.
     */
    private void rotateTo(Keys next, String kid, RSAKey... alsoPublished) {
        List<com.nimbusds.jose.jwk.JWK> keys = new java.util.ArrayList<>(List.of(jwk(next, kid)));
        keys.addAll(List.of(alsoPublished));
        server.publish(new JWKSet(keys));
        String byNext = Tokens.nimbus(next, Tokens.claims("readonly", "next"), kid);
        TestServer.await("the key set with " + kid + " is fetched", () -> accepted(byNext));
    }

    @Test
    void a_key_dropped_from_the_set_lasts_for_the_grace_period_after_the_fetch_that_missed_it() {
        Keys first = Keys.generate();
        Keys second = Keys.generate();
        String byFirst = publishFirst(first);

        rotateTo(second, "k2");
        assertThat(accepted(byFirst)).as("the retired key just after the rotation").isTrue();
        clock.advance(GRACE.minusSeconds(1));
        assertThat(accepted(byFirst)).as("the retired key at the end of its grace period").isTrue();
        assertThat(accepted(Tokens.nimbus(first, Tokens.claims("readonly", "late"), "k1"))).as("a new token of the retired key")
                .isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(accepted(byFirst)).as("the retired key after its grace period").isFalse();
        clock.advance(GRACE);
        assertThat(accepted(byFirst)).as("the retired key long after").isFalse();
    }

    @Test
    void the_grace_period_counts_from_the_fetch_not_from_the_first_use_of_the_retired_key() {
        Keys first = Keys.generate();
        Keys second = Keys.generate();
        String byFirst = publishFirst(first);

        rotateTo(second, "k2");
        clock.advance(GRACE);
        assertThat(accepted(byFirst)).as("first used after the grace period").isFalse();
    }

    @Test
    void a_key_that_is_published_again_is_live_again() {
        Keys first = Keys.generate();
        Keys second = Keys.generate();
        Keys third = Keys.generate();
        String byFirst = publishFirst(first);
        rotateTo(second, "k2");

        rotateTo(third, "k3", jwk(first, "k1"));
        clock.advance(GRACE.multipliedBy(2));
        assertThat(accepted(byFirst)).as("published again: no grace period runs").isTrue();
    }

    @Test
    void an_unknown_kid_is_never_accepted_and_refetches_stay_rate_limited() {
        Keys first = Keys.generate();
        Keys attacker = Keys.generate();
        publishFirst(first);
        int before = server.fetches();
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertThat(accepted(Tokens.nimbus(attacker, Tokens.claims("readonly", "x"), "made-up-" + i))).isFalse();
            assertThat(accepted(Tokens.nimbus(attacker, Tokens.claims("readonly", "x"), "k1"))).as("a known kid, another key")
                    .isFalse();
        }
        long intervals = Duration.ofNanos(System.nanoTime() - started).toMillis() / REFRESH.toMillis();
        // nimbus's limiter lets through at most two fetches per interval.
        assertThat(server.fetches() - before).isLessThanOrEqualTo(2 * (1 + (int) intervals)).isLessThan(20);
        // A kid that was never published gets no grace period either, however the clock moves.
        clock.advance(Duration.ofSeconds(1));
        assertThat(accepted(Tokens.nimbus(attacker, Tokens.claims("readonly", "x"), "made-up-0"))).isFalse();
    }
}
