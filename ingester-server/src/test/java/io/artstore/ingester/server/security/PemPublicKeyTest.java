package io.artstore.ingester.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM file is re-read when it changes; the replaced key stays valid for the grace period; junk is ignored. */
class PemPublicKeyTest {

    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final Duration CHECK = Duration.ofSeconds(1);

    @TempDir
    Path folder;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T04:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private void advance(Duration duration) {
        now.set(now.get().plus(duration));
    }

    @Test
    void a_new_key_takes_over_and_the_old_one_lasts_for_the_grace_period() throws Exception {
        Keys first = Keys.generate();
        Keys second = Keys.generate();
        Path file = first.writePublicPem(folder.resolve("public_key.pem"));
        PemPublicKey pem = new PemPublicKey(file, GRACE, CHECK, clock);
        assertThat(pem.keys()).containsExactly(first.publicKey());

        second.writePublicPem(file);
        assertThat(pem.keys()).as("not looked at before the check interval").containsExactly(first.publicKey());
        advance(CHECK);
        assertThat(pem.keys()).containsExactly(second.publicKey(), first.publicKey());
        advance(GRACE.minusSeconds(1));
        assertThat(pem.keys()).containsExactly(second.publicKey(), first.publicKey());
        advance(Duration.ofSeconds(1));
        assertThat(pem.keys()).containsExactly(second.publicKey());
    }

    @Test
    void a_file_that_is_not_a_key_keeps_the_key_in_use() throws Exception {
        Keys first = Keys.generate();
        Path file = first.writePublicPem(folder.resolve("public_key.pem"));
        PemPublicKey pem = new PemPublicKey(file, GRACE, CHECK, clock);

        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n");
        advance(CHECK);
        assertThat(pem.keys()).containsExactly(first.publicKey());
        Files.writeString(file, "");
        advance(CHECK);
        assertThat(pem.keys()).containsExactly(first.publicKey());
        Files.delete(file);
        advance(CHECK);
        assertThat(pem.keys()).containsExactly(first.publicKey());

        Keys second = Keys.generate();
        second.writePublicPem(file);
        advance(CHECK);
        assertThat(pem.keys()).as("a valid key after junk is taken").containsExactly(second.publicKey(), first.publicKey());
    }

    @Test
    void a_file_without_a_key_at_start_stops_the_start() throws Exception {
        Path file = Files.writeString(folder.resolve("public_key.pem"), "junk");
        assertThatThrownBy(() -> new PemPublicKey(file, GRACE, CHECK, clock)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no RSA public key");
    }
}
