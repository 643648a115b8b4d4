package io.artstore.ingester.server.signing;

import static io.artstore.ingester.server.signing.SigningFixtures.NOW;
import static io.artstore.ingester.server.signing.SigningFixtures.content;
import static io.artstore.ingester.server.signing.SigningFixtures.identity;
import static io.artstore.ingester.server.signing.SigningFixtures.signStreamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.Signing;
import io.artstore.ingester.core.port.out.VerificationResult;
import io.artstore.ingester.server.signing.SigningFixtures.AdjustableClock;
import io.artstore.ingester.server.signing.SigningFixtures.Identity;
import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class BouncyCastleSignerTest {

    private final BouncyCastleSignatureVerifier verifier = new BouncyCastleSignatureVerifier();

    static Stream<Arguments> algorithmsAndSizes() {
        return Stream.of(SignatureAlgorithm.values())
                .flatMap(algorithm -> Stream.of(1, 1000, 65_543, 1_048_583).map(size -> Arguments.of(algorithm, size)));
    }

    @ParameterizedTest(name = "{0}, {1} bytes")
    @MethodSource("algorithmsAndSizes")
    void signs_streamed_content_so_that_it_verifies(SignatureAlgorithm algorithm, int size) {
        Identity identity = identity(algorithm);
        byte[] content = content(size);

        DetachedSignature signature = signStreamed(identity.signer(), content);
        VerificationResult result = verifier.verify(signature.der(), new ByteArrayInputStream(content));

        assertThat(result.valid()).as("%s", result.reason()).isTrue();
        assertThat(result.algorithm()).contains(algorithm);
        assertThat(result.certificateFingerprint()).contains(identity.fingerprint());
        assertThat(result.signerSubject()).contains("CN=Fixture Signer,O=ArtStore");
        assertThat(signature.algorithm()).isEqualTo(algorithm);
        assertThat(signature.certificateFingerprint()).isEqualTo(identity.fingerprint());
        assertThat(signature.signedAt()).isEqualTo(NOW);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void writes_a_detached_der_signed_data_whose_signed_attributes_carry_the_algorithms_digest(SignatureAlgorithm algorithm)
            throws Exception {
        byte[] content = content(4321);

        byte[] der = signStreamed(identity(algorithm).signer(), content).der();
        CMSSignedData cms = new CMSSignedData(der);
        SignerInformation signer = cms.getSignerInfos().getSigners().iterator().next();
        AttributeTable signed = signer.getSignedAttributes();

        assertThat(cms.getEncoded(ASN1Encoding.DER)).as("DER, not BER").isEqualTo(der);
        assertThat(cms.isDetachedSignature()).isTrue();
        assertThat(cms.getSignedContent()).as("no content inside").isNull();
        assertThat(cms.getCertificates().getMatches(null)).hasSize(1);
        assertThat(signer.getDigestAlgOID()).isEqualTo(SignatureAlgorithms.digestOid(algorithm).getId());
        assertThat(signed.get(CMSAttributes.contentType).getAttrValues().getObjectAt(0)).isEqualTo(CMSObjectIdentifiers.data);
        assertThat(value(signed.get(CMSAttributes.messageDigest)))
                .isEqualTo(MessageDigest.getInstance(algorithm.digestName(), BouncyCastle.PROVIDER).digest(content));
        assertThat(Time.getInstance(signed.get(CMSAttributes.signingTime).getAttrValues().getObjectAt(0)).getDate().toInstant())
                .isEqualTo(NOW);
    }

    private static byte[] value(Attribute attribute) {
        return ASN1OctetString.getInstance(attribute.getAttrValues().getObjectAt(0)).getOctets();
    }

    @Test
    void rfc_8419_ed25519_uses_sha512_and_gost_uses_streebog() throws Exception {
        assertThat(digestOidOf(SignatureAlgorithm.ED25519)).isEqualTo("2.16.840.1.101.3.4.2.3");
        assertThat(digestOidOf(SignatureAlgorithm.GOST3410_2012_256)).isEqualTo("1.2.643.7.1.1.2.2");
        assertThat(digestOidOf(SignatureAlgorithm.RSA_SHA256)).isEqualTo("2.16.840.1.101.3.4.2.1");
    }

    private static String digestOidOf(SignatureAlgorithm algorithm) throws Exception {
        byte[] der = signStreamed(identity(algorithm).signer(), content(10)).der();
        return new CMSSignedData(der).getSignerInfos().getSigners().iterator().next().getDigestAlgOID();
    }

    @Test
    void signs_a_digest_computed_elsewhere_like_the_streamed_content() throws Exception {
        BouncyCastleSigner signer = identity(SignatureAlgorithm.ECDSA_P256_SHA256).signer();
        byte[] content = content(5000);

        DetachedSignature signature = signer.signDigest(MessageDigest.getInstance("SHA-256").digest(content));

        assertThat(verifier.verify(signature.der(), new ByteArrayInputStream(content)).valid()).isTrue();
        assertThatThrownBy(() -> signer.signDigest(new byte[20]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }

    @Test
    void one_signing_signs_once() {
        Signing signing = identity(SignatureAlgorithm.ED25519).signer().begin();
        signing.update(new byte[] {1, 2, 3}, 0, 3);
        signing.sign();

        assertThatThrownBy(signing::sign).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> signing.update(new byte[] {4}, 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void signings_are_independent_of_each_other() {
        BouncyCastleSigner signer = identity(SignatureAlgorithm.RSA_SHA256).signer();
        byte[] first = content(100);
        byte[] second = content(200);
        Signing a = signer.begin();
        Signing b = signer.begin();

        a.update(first, 0, 50);
        b.update(second, 0, 200);
        a.update(first, 50, 50);

        assertThat(verifier.verify(a.sign().der(), new ByteArrayInputStream(first)).valid()).isTrue();
        assertThat(verifier.verify(b.sign().der(), new ByteArrayInputStream(second)).valid()).isTrue();
    }

    @Test
    void records_the_signing_time_to_the_second() {
        AdjustableClock clock = new AdjustableClock(NOW);
        BouncyCastleSigner signer = BouncyCastleSigner.fromKeystore(identity(SignatureAlgorithm.ED25519).settings(), clock);
        clock.set(NOW.plusMillis(61_789));

        assertThat(signStreamed(signer, content(3)).signedAt()).isEqualTo(NOW.plusSeconds(61));
    }

    // --- Loading the keystore: every mistake is named at start-up ---

    @Test
    void names_a_keystore_that_does_not_exist() {
        KeystoreSettings settings = new KeystoreSettings(java.nio.file.Path.of("/nonexistent/signing.p12"), "x", "signing");

        assertThatThrownBy(() -> BouncyCastleSigner.fromKeystore(settings))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nonexistent/signing.p12")
                .hasMessageContaining("does not exist");
    }

    @Test
    void says_when_the_password_is_wrong() {
        Identity identity = identity(SignatureAlgorithm.ECDSA_P256_SHA256);
        KeystoreSettings wrong = new KeystoreSettings(identity.keystore(), "not-the-password", SigningFixtures.ALIAS);

        assertThatThrownBy(() -> BouncyCastleSigner.fromKeystore(wrong, SigningFixtures.fixedClock()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("password");
    }

    @Test
    void lists_the_aliases_when_the_configured_one_is_missing() {
        Identity identity = identity(SignatureAlgorithm.ECDSA_P256_SHA256);
        KeystoreSettings wrong = new KeystoreSettings(identity.keystore(), SigningFixtures.PASSWORD, "nobody");

        assertThatThrownBy(() -> BouncyCastleSigner.fromKeystore(wrong, SigningFixtures.fixedClock()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'nobody'")
                .hasMessageContaining("[" + SigningFixtures.ALIAS + "]");
    }

    @Test
    void refuses_a_certificate_that_is_not_the_keys() {
        KeystoreSettings mismatched = SigningFixtures.mismatchedKeystore(
                identity(SignatureAlgorithm.ECDSA_P256_SHA256), SigningFixtures.otherIdentity(SignatureAlgorithm.ECDSA_P256_SHA256));

        assertThatThrownBy(() -> BouncyCastleSigner.fromKeystore(mismatched, SigningFixtures.fixedClock()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not the key's certificate");
    }

    @Test
    void refuses_a_certificate_that_is_not_valid_now() {
        KeystoreSettings settings = identity(SignatureAlgorithm.ED25519).settings();
        java.time.Clock later = java.time.Clock.fixed(SigningFixtures.VALID_UNTIL.plusSeconds(1), java.time.ZoneOffset.UTC);

        assertThatThrownBy(() -> BouncyCastleSigner.fromKeystore(settings, later))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("valid only from");
    }

    @Test
    void refuses_a_curve_other_than_p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair keys = generator.generateKeyPair();
        var certificate = SelfSignedCertificates.create(SignatureAlgorithm.ECDSA_P256_SHA256, keys,
                "CN=P-384", SigningFixtures.VALID_FROM, SigningFixtures.VALID_UNTIL);

        assertThatThrownBy(() -> BouncyCastleSigner.fromKeystore(
                SigningFixtures.foreignKeystore("p384", keys, certificate), SigningFixtures.fixedClock()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1.3.132.0.34")
                .hasMessageContaining("supported are");
    }

    @Test
    void refuses_rsa_keys_under_2048_bits() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", BouncyCastle.PROVIDER);
        generator.initialize(1024);
        KeyPair keys = generator.generateKeyPair();
        var certificate = SelfSignedCertificates.create(SignatureAlgorithm.RSA_SHA256, keys,
                "CN=Weak", SigningFixtures.VALID_FROM, SigningFixtures.VALID_UNTIL);

        assertThatThrownBy(() -> BouncyCastleSigner.fromKeystore(
                SigningFixtures.foreignKeystore("rsa1024", keys, certificate), SigningFixtures.fixedClock()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1024 bits");
    }

    @Test
    void keeps_the_password_out_of_its_settings_text(@TempDir java.nio.file.Path folder) {
        assertThat(new KeystoreSettings(folder.resolve("k.p12"), "s3cret", "signing").toString())
                .doesNotContain("s3cret")
                .contains("k.p12", "signing");
    }

    @Test
    void a_signature_made_at_a_later_time_names_that_time() {
        AdjustableClock clock = new AdjustableClock(NOW);
        BouncyCastleSigner signer = BouncyCastleSigner.fromKeystore(identity(SignatureAlgorithm.GOST3410_2012_256).settings(), clock);
        Instant later = NOW.plus(Duration.ofDays(400));
        clock.set(later);

        DetachedSignature signature = signStreamed(signer, content(77));

        assertThat(signature.signedAt()).isEqualTo(later);
        assertThat(verifier.verify(signature.der(), new ByteArrayInputStream(content(77))).valid()).isTrue();
    }
}
