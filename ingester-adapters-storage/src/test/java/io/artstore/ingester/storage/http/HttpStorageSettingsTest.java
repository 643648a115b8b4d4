package io.artstore.ingester.storage.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.storage.http.HttpStorageSettings.Resilience;
import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import io.artstore.ingester.storage.http.HttpStorageSettings.StaticToken;
import io.artstore.ingester.storage.http.HttpStorageSettings.Timeouts;
import io.artstore.ingester.storage.http.HttpStorageSettings.Tls;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpStorageSettingsTest {

    private static final String PIN = "sha256/" + "A".repeat(43) + "=";

    private static HttpStorageSettings valid() {
        return HttpStorageSettings.of(StorageElementId.of("se-01"), Mode.EDIT, URI.create("https://se-01.example:8010"), 1,
                new StaticToken("token"));
    }

    @Test
    void defaults_are_tls_1_3_without_pins_and_explicit_breaker_thresholds() {
        HttpStorageSettings settings = valid();

        assertThat(settings.tls().minVersion()).isEqualTo("TLSv1.3");
        assertThat(settings.pins()).isEmpty();
        assertThat(settings.resilience().failureThreshold()).isEqualTo(5);
        assertThat(settings.resilience().failureWindow()).isEqualTo(10);
        assertThat(settings.resilience().openDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.resilience().successThreshold()).isEqualTo(2);
    }

    @Test
    void a_pin_must_be_a_sha256_of_a_public_key() {
        assertThat(valid().withPins(List.of(PIN)).pins()).containsExactly(PIN);
        assertThatThrownBy(() -> valid().withPins(List.of("sha1/abc"))).hasMessageContaining("se-01").hasMessageContaining("sha256/");
    }

    @Test
    void pins_need_https() {
        HttpStorageSettings plain = HttpStorageSettings.of(StorageElementId.of("se-02"), Mode.RW,
                URI.create("http://se-02.example:8010"), 1, new StaticToken("token"));

        assertThatThrownBy(() -> plain.withPins(List.of(PIN))).hasMessageContaining("https");
    }

    @Test
    void the_url_must_be_http_or_https_with_a_host() {
        assertThatThrownBy(() -> HttpStorageSettings.of(StorageElementId.of("se-03"), Mode.RW, URI.create("ftp://x"), 1,
                new StaticToken("t"))).hasMessageContaining("http(s)");
    }

    @Test
    void tls_below_1_2_is_refused() {
        assertThatThrownBy(() -> Tls.DEFAULT.withMinVersion("TLSv1.1")).hasMessageContaining("TLSv1.2");
        assertThat(Tls.DEFAULT.withMinVersion("TLSv1.2").minVersion()).isEqualTo("TLSv1.2");
    }

    @Test
    void breaker_and_retry_thresholds_are_checked() {
        assertThatThrownBy(() -> new Resilience(11, 10, Duration.ofSeconds(30), 2, 3, Duration.ofMillis(100),
                Duration.ofSeconds(1), 0.2, 8, Duration.ofSeconds(1))).hasMessageContaining("failure threshold");
        assertThatThrownBy(() -> new Resilience(5, 10, Duration.ofSeconds(30), 2, 3, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0.2, 8, Duration.ofSeconds(1))).hasMessageContaining("retry max delay");
        assertThatThrownBy(() -> new Resilience(5, 10, Duration.ofSeconds(30), 2, 3, Duration.ofMillis(100),
                Duration.ofSeconds(1), 1.5, 8, Duration.ofSeconds(1))).hasMessageContaining("jitter");
        assertThatThrownBy(() -> new Resilience(5, 10, Duration.ofSeconds(30), 2, 3, Duration.ofMillis(100),
                Duration.ofSeconds(1), 0.2, 0, Duration.ofSeconds(1))).hasMessageContaining("bulkhead");
    }

    @Test
    void timeouts_must_be_positive_and_the_call_timeout_may_be_unlimited() {
        assertThat(new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO).call())
                .isZero();
        assertThatThrownBy(() -> new Timeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("connect timeout");
    }

    @Test
    void secrets_stay_out_of_the_text_form() {
        assertThat(new StaticToken("very-secret").toString()).doesNotContain("very-secret");
        assertThat(new ServiceAccount("sa_x", "very-secret", URI.create("http://admin:8000")).toString())
                .contains("sa_x").doesNotContain("very-secret");
        assertThat(new Tls("TLSv1.3", Optional.empty(), Optional.of("trust-pass"), "PKCS12").toString())
                .contains("TLSv1.3").doesNotContain("trust-pass");
    }
}
