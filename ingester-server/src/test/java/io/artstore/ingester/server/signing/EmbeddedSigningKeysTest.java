package io.artstore.ingester.server.signing;

import static io.artstore.ingester.server.signing.SigningFixtures.content;
import static io.artstore.ingester.server.signing.SigningFixtures.signStreamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.VerificationResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EmbeddedSigningKeysTest {

    @TempDir
    Path data;

    private final Clock clock = SigningFixtures.fixedClock();

    private EmbeddedSigningKeysSettings defaults() {
        return EmbeddedSigningKeysSettings.defaults(data);
    }

    @Test
    void generates_an_ecdsa_p256_key_under_data_keys_on_first_start() {
        KeystoreSettings keystore = EmbeddedSigningKeys.loadOrCreate(defaults(), clock);
        BouncyCastleSigner signer = BouncyCastleSigner.fromKeystore(keystore, clock);

        assertThat(keystore.path()).isEqualTo(data.resolve("keys/signing-ecdsa-p256-sha256.p12")).exists();
        assertThat(data.resolve("keys/signing-ecdsa-p256-sha256.p12.password")).exists();
        assertThat(keystore.alias()).isEqualTo(EmbeddedSigningKeys.ALIAS);
        assertThat(signer.algorithm()).isEqualTo(SignatureAlgorithm.ECDSA_P256_SHA256);
    }

    @Test
    void reuses_the_same_key_after_a_restart() throws IOException {
        KeystoreSettings first = EmbeddedSigningKeys.loadOrCreate(defaults(), clock);
        byte[] keystoreBytes = Files.readAllBytes(first.path());
        String fingerprint = BouncyCastleSigner.fromKeystore(first, clock).certificateFingerprint();

        KeystoreSettings second = EmbeddedSigningKeys.loadOrCreate(defaults(), clock);

        assertThat(second).isEqualTo(first);
        assertThat(Files.readAllBytes(second.path())).isEqualTo(keystoreBytes);
        assertThat(BouncyCastleSigner.fromKeystore(second, clock).certificateFingerprint()).isEqualTo(fingerprint);
    }

    @Test
    void keeps_the_keystore_and_its_password_readable_by_the_owner_only() throws IOException {
        KeystoreSettings keystore = EmbeddedSigningKeys.loadOrCreate(defaults(), clock);
        Path passwordFile = data.resolve("keys/signing-ecdsa-p256-sha256.p12.password");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore.path()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("keys")))).isEqualTo("rwx------");
        assertThat(Files.readString(passwordFile)).isEqualTo(keystore.password()).hasSizeGreaterThanOrEqualTo(32);
        try (var files = Files.list(data.resolve("keys"))) {
            assertThat(files).as("no temporary files left").hasSize(2);
        }
    }

    @Test
    void makes_only_the_keys_folder_private() throws IOException {
        Path nested = data.resolve("fresh/data");
        EmbeddedSigningKeys.loadOrCreate(EmbeddedSigningKeysSettings.defaults(nested), clock);
        Path usual = Files.createDirectories(data.resolve("fresh/usual"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve("keys")))).isEqualTo("rwx------");
        assertThat(Files.getPosixFilePermissions(nested)).isEqualTo(Files.getPosixFilePermissions(usual));
    }

    @Test
    void uses_a_configured_password_and_writes_none() {
        EmbeddedSigningKeysSettings settings = new EmbeddedSigningKeysSettings(data.resolve("keys"),
                SignatureAlgorithm.ED25519, Optional.of("operator-chosen"), "CN=Test,O=ArtStore");

        KeystoreSettings keystore = EmbeddedSigningKeys.loadOrCreate(settings, clock);

        assertThat(keystore.password()).isEqualTo("operator-chosen");
        assertThat(data.resolve("keys/signing-ed25519.p12.password")).doesNotExist();
        assertThat(BouncyCastleSigner.fromKeystore(keystore, clock).algorithm()).isEqualTo(SignatureAlgorithm.ED25519);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void generates_a_usable_self_signed_key_of_each_algorithm(SignatureAlgorithm algorithm) {
        KeystoreSettings keystore = EmbeddedSigningKeys.loadOrCreate(defaults().withAlgorithm(algorithm), clock);
        byte[] content = content(2048);

        DetachedSignature signature = signStreamed(BouncyCastleSigner.fromKeystore(keystore, clock), content);
        VerificationResult result = new BouncyCastleSignatureVerifier().verify(signature.der(), new ByteArrayInputStream(content));

        assertThat(result.validFor(signature.certificateFingerprint())).as("%s", result.reason()).isTrue();
        assertThat(result.algorithm()).contains(algorithm);
        assertThat(result.signerSubject()).contains(EmbeddedSigningKeysSettings.DEFAULT_SUBJECT);
    }

    @Test
    void another_algorithm_gets_its_own_keystore_and_the_old_key_stays() {
        KeystoreSettings ecdsa = EmbeddedSigningKeys.loadOrCreate(defaults(), clock);
        String fingerprint = BouncyCastleSigner.fromKeystore(ecdsa, clock).certificateFingerprint();

        KeystoreSettings ed25519 = EmbeddedSigningKeys.loadOrCreate(defaults().withAlgorithm(SignatureAlgorithm.ED25519), clock);
        KeystoreSettings ecdsaAgain = EmbeddedSigningKeys.loadOrCreate(defaults(), clock);

        assertThat(ed25519.path()).isNotEqualTo(ecdsa.path());
        assertThat(BouncyCastleSigner.fromKeystore(ecdsaAgain, clock).certificateFingerprint()).isEqualTo(fingerprint);
    }

    @Test
    void reuses_a_password_left_without_its_keystore() throws IOException {
        Path keys = Files.createDirectories(data.resolve("keys"));
        Files.writeString(keys.resolve("signing-ecdsa-p256-sha256.p12.password"), "left-from-a-crash\n");

        KeystoreSettings keystore = EmbeddedSigningKeys.loadOrCreate(defaults(), clock);

        assertThat(keystore.password()).isEqualTo("left-from-a-crash");
        assertThat(BouncyCastleSigner.fromKeystore(keystore, clock).algorithm()).isEqualTo(SignatureAlgorithm.ECDSA_P256_SHA256);
    }

    @Test
    void says_what_to_do_when_the_keystores_password_is_lost() throws IOException {
        EmbeddedSigningKeys.loadOrCreate(defaults(), clock);
        Files.delete(data.resolve("keys/signing-ecdsa-p256-sha256.p12.password"));

        assertThatThrownBy(() -> EmbeddedSigningKeys.loadOrCreate(defaults(), clock))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("signing-ecdsa-p256-sha256.p12.password")
                .hasMessageContaining("configure the keystore's password");
    }

    @Test
    void refuses_an_empty_password_and_a_subject_that_is_no_name() {
        assertThatThrownBy(() -> new EmbeddedSigningKeysSettings(data, SignatureAlgorithm.ED25519, Optional.of(""), "CN=x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmbeddedSigningKeysSettings(data, SignatureAlgorithm.ED25519, Optional.empty(), "no name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'no name'");
        assertThat(new EmbeddedSigningKeysSettings(data, SignatureAlgorithm.ED25519, Optional.of("s3cret"), "CN=x").toString())
                .doesNotContain("s3cret");
    }
}
