package io.artstore.ingester.core.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignatureAlgorithmTest {

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void parses_its_wire_name_and_its_constant_name_in_any_case(SignatureAlgorithm algorithm) {
        assertThat(SignatureAlgorithm.parse(algorithm.wireName())).isSameAs(algorithm);
        assertThat(SignatureAlgorithm.parse(" " + algorithm.wireName().toUpperCase() + " ")).isSameAs(algorithm);
        assertThat(SignatureAlgorithm.parse(algorithm.name().toLowerCase())).isSameAs(algorithm);
    }

    @Test
    void ed25519_digests_with_sha512_as_rfc_8419_requires_and_gost_with_streebog() {
        assertThat(SignatureAlgorithm.RSA_SHA256.digestName()).isEqualTo("SHA-256");
        assertThat(SignatureAlgorithm.ECDSA_P256_SHA256.digestName()).isEqualTo("SHA-256");
        assertThat(SignatureAlgorithm.ED25519.digestName()).isEqualTo("SHA-512");
        assertThat(SignatureAlgorithm.GOST3410_2012_256.digestName()).isEqualTo("GOST3411-2012-256");
    }

    @Test
    void an_unknown_name_is_refused_with_the_names_it_accepts() {
        assertThatThrownBy(() -> SignatureAlgorithm.parse("dsa"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ed25519'")
                .hasMessageContaining("'dsa'");
        assertThatThrownBy(() -> SignatureAlgorithm.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
