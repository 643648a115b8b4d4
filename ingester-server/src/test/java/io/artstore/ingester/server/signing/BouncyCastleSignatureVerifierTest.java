package io.artstore.ingester.server.signing;

import static io.artstore.ingester.server.signing.SigningFixtures.NOW;
import static io.artstore.ingester.server.signing.SigningFixtures.content;
import static io.artstore.ingester.server.signing.SigningFixtures.identity;
import static io.artstore.ingester.server.signing.SigningFixtures.signStreamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.VerificationResult;
import io.artstore.ingester.server.signing.SigningFixtures.AdjustableClock;
import io.artstore.ingester.server.signing.SigningFixtures.Identity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BouncyCastleSignatureVerifierTest {

    private static final int SIZE = 70_001;

    private final BouncyCastleSignatureVerifier verifier = new BouncyCastleSignatureVerifier();

    private static byte[] signed(SignatureAlgorithm algorithm, byte[] content) {
        return signStreamed(identity(algorithm).signer(), content).der();
    }

    private VerificationResult verify(byte[] signature, byte[] content) {
        return verifier.verify(signature, new ByteArrayInputStream(content));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void a_changed_byte_anywhere_in_the_content_fails(SignatureAlgorithm algorithm) {
        byte[] content = content(SIZE);
        byte[] signature = signed(algorithm, content);

        for (int position : new int[] {0, SIZE / 2, SIZE - 1}) {
            byte[] tampered = content.clone();
            tampered[position] ^= 0x20;

            VerificationResult result = verify(signature, tampered);

            assertThat(result.valid()).as("byte %d changed", position).isFalse();
            assertThat(result.reason()).hasValueSatisfying(why -> assertThat(why).contains("not what was signed"));
            assertThat(result.certificateFingerprint()).contains(identity(algorithm).fingerprint());
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void missing_or_extra_bytes_fail(SignatureAlgorithm algorithm) {
        byte[] content = content(SIZE);
        byte[] signature = signed(algorithm, content);

        assertThat(verify(signature, Arrays.copyOf(content, SIZE - 1)).valid()).isFalse();
        assertThat(verify(signature, Arrays.copyOf(content, SIZE + 1)).valid()).isFalse();
        assertThat(verify(signature, content).valid()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void a_changed_byte_in_the_signature_value_fails(SignatureAlgorithm algorithm) throws Exception {
        byte[] content = content(1000);
        byte[] signature = signed(algorithm, content);
        byte[] value = new CMSSignedData(signature).getSignerInfos().getSigners().iterator().next().getSignature();
        int at = indexOf(signature, value) + value.length / 2;
        signature[at] ^= 0x01;

        VerificationResult result = verify(signature, content);

        assertThat(result.valid()).isFalse();
        assertThat(result.reason()).hasValueSatisfying(why -> assertThat(why).contains("does not verify"));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void is_valid_only_for_the_certificate_that_signed(SignatureAlgorithm algorithm) {
        byte[] content = content(500);

        VerificationResult result = verify(signed(algorithm, content), content);

        assertThat(result.validFor(identity(algorithm).fingerprint())).isTrue();
        assertThat(result.validFor(SigningFixtures.otherIdentity(algorithm).fingerprint())).isFalse();
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void a_certificate_swapped_for_one_with_the_same_issuer_and_serial_but_another_key_fails(SignatureAlgorithm algorithm)
            throws Exception {
        byte[] content = content(500);
        Identity impostor = SigningFixtures.impostor(algorithm);
        byte[] swapped = withCertificates(signed(algorithm, content), impostor);

        VerificationResult result = verify(swapped, content);

        assertThat(result.valid()).isFalse();
        assertThat(result.certificateFingerprint()).contains(impostor.fingerprint());
        assertThat(result.reason()).hasValueSatisfying(why -> assertThat(why).contains("does not verify"));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void a_signature_without_its_signers_certificate_fails(SignatureAlgorithm algorithm) throws Exception {
        byte[] content = content(500);
        byte[] swapped = withCertificates(signed(algorithm, content), SigningFixtures.otherIdentity(algorithm));

        VerificationResult result = verify(swapped, content);

        assertThat(result.valid()).isFalse();
        assertThat(result.reason()).hasValueSatisfying(why -> assertThat(why).contains("signer's certificate"));
    }

    @Test
    void a_certificate_that_expired_before_the_signing_time_fails() {
        SignatureAlgorithm algorithm = SignatureAlgorithm.ECDSA_P256_SHA256;
        Identity shortLived = SigningFixtures.identityValid(algorithm, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        AdjustableClock clock = new AdjustableClock(NOW);
        BouncyCastleSigner signer = BouncyCastleSigner.fromKeystore(shortLived.settings(), clock);
        byte[] content = content(100);
        byte[] inTime = signStreamed(signer, content).der();
        clock.set(NOW.plus(Duration.ofDays(2)));

        byte[] late = signStreamed(signer, content).der();

        assertThat(verify(inTime, content).valid()).isTrue();
        assertThat(verify(late, content).reason()).hasValueSatisfying(why -> assertThat(why).contains("not valid at the signing time"));
    }

    @Test
    void bytes_that_are_no_cms_are_an_invalid_result_not_an_exception() {
        byte[] content = content(10);

        assertThat(verify(new byte[] {1, 2, 3}, content).reason()).hasValueSatisfying(why -> assertThat(why).contains("not a CMS"));
        assertThat(verify(new byte[0], content).valid()).isFalse();
        byte[] truncated = Arrays.copyOf(signed(SignatureAlgorithm.ED25519, content), 100);
        assertThat(verify(truncated, content).valid()).isFalse();
    }

    @Test
    void reads_the_content_to_its_end_without_closing_it() throws IOException {
        byte[] content = content(SIZE);
        byte[] signature = signed(SignatureAlgorithm.RSA_SHA256, content);
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(content) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        assertThat(verifier.verify(signature, in).valid()).isTrue();
        assertThat(in.read()).isEqualTo(-1);
        assertThat(closed[0]).isFalse();
    }

    @Test
    void passes_on_a_content_stream_that_fails() {
        byte[] signature = signed(SignatureAlgorithm.RSA_SHA256, content(10));
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk read error");
            }
        };

        assertThatThrownBy(() -> verifier.verify(signature, failing))
                .isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("disk read error");
    }

    private static byte[] withCertificates(byte[] signature, Identity replacement) throws Exception {
        CMSSignedData replaced = CMSSignedData.replaceCertificatesAndCRLs(new CMSSignedData(signature),
                new JcaCertStore(List.of(replacement.certificate())), null, null);
        return replaced.getEncoded(ASN1Encoding.DER);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("the signature value is not inside the signature");
    }
}
