package io.artstore.ingester.server.signing;

import static io.artstore.ingester.server.signing.SigningFixtures.content;
import static io.artstore.ingester.server.signing.SigningFixtures.identity;
import static io.artstore.ingester.server.signing.SigningFixtures.signStreamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.VerificationResult;
import io.artstore.ingester.server.signing.SigningFixtures.Identity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our signatures are standard CMS: {@code openssl cms -verify} accepts them, and we accept OpenSSL's. Checked
 * for the algorithms that OpenSSL's CMS supports everywhere (RSA, ECDSA); Ed25519 CMS needs OpenSSL 3.2 and
 * GOST an engine, so those two are checked against BouncyCastle alone ({@code BouncyCastleSignerTest}).
 */
class OpenSslSignatureInteropTest {

    private static final int SIZE = 200_003;

    @TempDir
    Path folder;

    private record Run(int exitCode, String output) {
    }

    @BeforeAll
    static void openssl_is_installed() {
        Run version = run(List.of("openssl", "version"));
        assumeTrue(version.exitCode() == 0, "openssl is not installed: " + version.output());
    }

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"RSA_SHA256", "ECDSA_P256_SHA256"})
    void openssl_verifies_our_signature_against_the_certificate(SignatureAlgorithm algorithm) throws IOException {
        byte[] content = content(SIZE);
        writeSignedFile(algorithm, content);

        Run withCertificate = verify("content.bin.sig", "content.bin", "-CAfile", "cert.pem");
        Run signatureOnly = verify("content.bin.sig", "content.bin", "-noverify");

        assertThat(withCertificate.exitCode()).as(withCertificate.output()).isZero();
        assertThat(withCertificate.output()).contains("Verification successful");
        assertThat(signatureOnly.exitCode()).as(signatureOnly.output()).isZero();
        assertThat(signatureOnly.output()).contains("Verification successful");
    }

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"RSA_SHA256", "ECDSA_P256_SHA256"})
    void openssl_rejects_our_signature_of_tampered_content(SignatureAlgorithm algorithm) throws IOException {
        byte[] content = content(SIZE);
        writeSignedFile(algorithm, content);
        content[SIZE / 2] ^= 0x01;
        Files.write(folder.resolve("tampered.bin"), content);

        Run original = verify("content.bin.sig", "content.bin", "-noverify");
        Run tampered = verify("content.bin.sig", "tampered.bin", "-noverify");

        assertThat(original.exitCode()).as(original.output()).isZero();
        assertThat(tampered.exitCode()).as(tampered.output()).isNotZero();
        assertThat(tampered.output()).contains("Verification failure");
    }

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"RSA_SHA256", "ECDSA_P256_SHA256"})
    void we_verify_a_signature_made_by_openssl(SignatureAlgorithm algorithm) throws IOException {
        Identity identity = identity(algorithm);
        Files.writeString(folder.resolve("cert.pem"), identity.certificatePem());
        Files.writeString(folder.resolve("key.pem"), identity.privateKeyPem());
        byte[] content = content(SIZE);
        Path file = Files.write(folder.resolve("content.bin"), content);
        Path signature = signWithOpenSsl(algorithm, file);

        VerificationResult result = new BouncyCastleSignatureVerifier()
                .verify(Files.readAllBytes(signature), new ByteArrayInputStream(content));

        assertThat(result.valid()).as("%s", result.reason()).isTrue();
        assertThat(result.validFor(identity.fingerprint())).isTrue();
        assertThat(result.algorithm()).contains(algorithm);
    }

    /** content.bin and our content.bin.sig, with the signer's cert.pem and key.pem beside them. */
    private void writeSignedFile(SignatureAlgorithm algorithm, byte[] content) throws IOException {
        Identity identity = identity(algorithm);
        Files.writeString(folder.resolve("cert.pem"), identity.certificatePem());
        Files.writeString(folder.resolve("key.pem"), identity.privateKeyPem());
        Files.write(folder.resolve("content.bin"), content);
        Files.write(folder.resolve("content.bin.sig"), signStreamed(identity.signer(), content).der());
    }

    private Path signWithOpenSsl(SignatureAlgorithm algorithm, Path file) {
        Path signature = folder.resolve("openssl.sig");
        Run probe = openssl("cms", "-sign", "-binary", "-in", file.getFileName().toString(), "-signer", "cert.pem",
                "-inkey", "key.pem", "-md", openSslDigest(algorithm), "-outform", "DER",
                "-out", signature.getFileName().toString());
        assertThat(probe.exitCode()).as(probe.output()).isZero();
        return signature;
    }

    private static String openSslDigest(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case RSA_SHA256, ECDSA_P256_SHA256 -> "sha256";
            case ED25519 -> "sha512";
            case GOST3410_2012_256 -> "md_gost12_256";
        };
    }

    private Run verify(String signature, String content, String... trust) {
        List<String> command = new ArrayList<>(List.of("cms", "-verify", "-binary", "-inform", "DER",
                "-in", signature, "-content", content, "-out", "verified.out"));
        command.addAll(List.of(trust));
        return openssl(command.toArray(String[]::new));
    }

    private Run openssl(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        return run(command, folder);
    }

    private static Run run(List<String> command) {
        return run(command, Path.of("."));
    }

    private static Run run(List<String> command, Path directory) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within 60 s");
            }
            return new Run(process.exitValue(), output);
        } catch (IOException e) {
            return new Run(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
