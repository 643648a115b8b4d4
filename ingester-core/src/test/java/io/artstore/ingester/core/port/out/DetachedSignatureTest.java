package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DetachedSignatureTest {

    private static final String FINGERPRINT = "ab".repeat(32);
    private static final Instant SIGNED_AT = Instant.parse("2026-11-26T00:00:00Z");

    private static DetachedSignature signature(byte[] der) {
        return new DetachedSignature(der, SignatureAlgorithm.ED25519, FINGERPRINT, SIGNED_AT);
    }

    @Test
    void keeps_its_bytes_to_itself() {
        byte[] der = {1, 2, 3};
        DetachedSignature signature = signature(der);

        der[0] = 9;
        signature.der()[1] = 9;

        assertThat(signature.der()).containsExactly(1, 2, 3);
    }

    @Test
    void equal_by_content_of_its_bytes() {
        assertThat(signature(new byte[] {1, 2})).isEqualTo(signature(new byte[] {1, 2}))
                .hasSameHashCodeAs(signature(new byte[] {1, 2}));
        assertThat(signature(new byte[] {1, 2})).isNotEqualTo(signature(new byte[] {1, 3}));
        assertThat(signature(new byte[] {1, 2}).toString()).contains("2 bytes", FINGERPRINT);
    }

    @Test
    void refuses_an_empty_signature_and_a_fingerprint_that_is_not_a_sha256() {
        assertThatThrownBy(() -> signature(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DetachedSignature(new byte[] {1}, SignatureAlgorithm.ED25519, "AB".repeat(32), SIGNED_AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fingerprint");
        assertThatThrownBy(() -> new DetachedSignature(new byte[] {1}, SignatureAlgorithm.ED25519, "ab", SIGNED_AT))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
