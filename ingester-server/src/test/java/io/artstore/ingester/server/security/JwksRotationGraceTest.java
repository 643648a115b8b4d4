package io.artstore.ingester.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.artstore.ingester.server.config.AbuseSettings;
import io.artstore.ingester.server.config.AuthSettings;
import io.artstore.ingester.server.testing.TestServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final AtomicReference<JWKSet> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer server;
    private TokenVerifier verifier;

    @BeforeEach
    void serveTheKeySet() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        AuthSettings auth = new AuthSettings(true, Optional.empty(),
                Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json")), Optional.empty(),
                Optional.empty(), AuthSettings.DEFAULT_LEEWAY, GRACE, REFRESH, Map.of(), AbuseSettings.defaults());
        verifier = new TokenVerifier(Optional.empty(), Security.jwks(auth, clock), SigningKey.openOrCreate(folder.resolve("own")),
                RoleTable.of(Map.of()), AuthSettings.DEFAULT_LEEWAY, clock);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static RSAKey jwk(Keys keys, String kid) {
        return new RSAKey.Builder(keys.publicKey()).keyID(kid).build();
    }

    private boolean accepted(String token) {
        return verifier.verify(token) instanceof TokenVerifier.Accepted;
    }

    /** Publishes {@code next} and waits, past the refresh rate limit, until a token of its kid is accepted. */
    private void rotateTo(Keys next, String kid) {
        published.set(new JWKSet(jwk(next, kid)));
        String byNext = Tokens.nimbus(next, Tokens.claims("readonly", "next"), kid);
        TestServer.await("the key set with " + kid + " is fetched", () -> accepted(byNext));
    }

    @Test
    void a_key_dropped_from_the_set_lasts_for_the_grace_period_after_the_fetch_that_missed_it() {
        Keys first = Keys.generate();
        Keys second = Keys.generate();
        published.set(new JWKSet(jwk(first, "k1")));
        String byFirst = Tokens.nimbus(first, Tokens.claims("readonly", "one"), "k1");
        assertThat(accepted(byFirst)).isTrue();

        rotateTo(second, "k2");
        assertThat(accepted(byFirst)).as("the retired key just after the rotation").isTrue();
        now.set(now.get().plus(GRACE).minusSeconds(1));
        assertThat(accepted(byFirst)).as("the retired key at the end of its grace period").isTrue();
        assertThat(accepted(Tokens.nimbus(first, Tokens.claims("readonly", "late"), "k1"))).as("a new token of the retired key")
                .isTrue();
        now.set(now.get().plusSeconds(1));
        assertThat(accepted(byFirst)).as("the retired key after its grace period").isFalse();
        now.set(now.get().plus(GRACE));
        assertThat(accepted(byFirst)).as("the retired key long after").isFalse();
    }

    @Test
    void the_grace_period_counts_from_the_fetch_not_from_the_first_use_of_the_retired_key() {
        Keys first = Keys.generate();
        Keys second = Keys.generate();
        published.set(new JWKSet(jwk(first, "k1")));
        String byFirst = Tokens.nimbus(first, Tokens.claims("readonly", "one"), "k1");
        assertThat(accepted(byFirst)).isTrue();

        rotateTo(second, "k2");
        now.set(now.get().plus(GRACE));
        assertThat(accepted(byFirst)).as("first used after the grace period").isFalse();
    }

    @Test
    void a_key_that_is_published_again_is_live_again() {
        Keys first = Keys.generate();
        Keys second = Keys.generate();
        Keys third = Keys.generate();
        published.set(new JWKSet(jwk(first, "k1")));
        String byFirst = Tokens.nimbus(first, Tokens.claims("readonly", "one"), "k1");
        assertThat(accepted(byFirst)).isTrue();
        rotateTo(second, "k2");

        published.set(new JWKSet(List.of(jwk(third, "k3"), jwk(first, "k1"))));
        String byThird = Tokens.nimbus(third, Tokens.claims("readonly", "three"), "k3");
        TestServer.await("the key set with k3 is fetched", () -> accepted(byThird));
        now.set(now.get().plus(GRACE).plus(GRACE));
        assertThat(accepted(byFirst)).as("published again: no grace period runs").isTrue();
    }

    @Test
    void an_unknown_kid_is_never_accepted_and_refetches_stay_rate_limited() {
        Keys first = Keys.generate();
        Keys attacker = Keys.generate();
        published.set(new JWKSet(jwk(first, "k1")));
        assertThat(accepted(Tokens.nimbus(first, Tokens.claims("readonly", "one"), "k1"))).isTrue();
        int before = fetches.get();
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertThat(accepted(Tokens.nimbus(attacker, Tokens.claims("readonly", "x"), "made-up-" + i))).isFalse();
            assertThat(accepted(Tokens.nimbus(attacker, Tokens.claims("readonly", "x"), "k1"))).as("a known kid, another key")
                    .isFalse();
        }
        long intervals = Duration.ofNanos(System.nanoTime() - started).toMillis() / REFRESH.toMillis();
        // nimbus's limiter lets through at most two fetches per interval.
        assertThat(fetches.get() - before).isLessThanOrEqualTo(2 * (1 + (int) intervals)).isLessThan(20);
        // A kid that was never published gets no grace period either, however the clock moves.
        now.set(now.get().plusSeconds(1));
        assertThat(accepted(Tokens.nimbus(attacker, Tokens.claims("readonly", "x"), "made-up-0"))).isFalse();
    }
}
