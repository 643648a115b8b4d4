package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerificationResultTest {

    private static final String FINGERPRINT = "0f".repeat(32);

    @Test
    void a_valid_result_is_valid_for_its_own_certificate_only() {
        VerificationResult result = VerificationResult.valid(SignatureAlgorithm.RSA_SHA256, "CN=ingester", FINGERPRINT);

        assertThat(result.validFor(FINGERPRINT)).isTrue();
        assertThat(result.validFor(FINGERPRINT.toUpperCase())).isTrue();
        assertThat(result.validFor("1f".repeat(32))).isFalse();
        assertThat(result.reason()).isEmpty();
    }

    @Test
    void an_invalid_result_keeps_what_was_read_and_says_why() {
        VerificationResult result = VerificationResult.valid(SignatureAlgorithm.RSA_SHA256, "CN=ingester", FINGERPRINT)
                .invalidBecause("the content was changed");

        assertThat(result.valid()).isFalse();
        assertThat(result.validFor(FINGERPRINT)).isFalse();
        assertThat(result.reason()).contains("the content was changed");
        assertThat(result.certificateFingerprint()).contains(FINGERPRINT);
        assertThat(VerificationResult.invalid("not CMS").algorithm()).isEmpty();
    }

    @Test
    void refuses_contradictions() {
        assertThatThrownBy(() -> new VerificationResult(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VerificationResult(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VerificationResult(true, Optional.of(SignatureAlgorithm.ED25519), Optional.of("CN=x"),
                Optional.of(FINGERPRINT), Optional.of("why")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
