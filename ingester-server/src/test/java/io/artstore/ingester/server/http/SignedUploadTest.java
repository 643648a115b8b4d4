package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads with {@code sign=true} end to end: the signature lands beside the stored file, OpenSSL accepts it,
 * the verify endpoint says valid, and says invalid once the stored file is tampered with.
 */
class SignedUploadTest {

    private static TestServer server;

    @TempDir
    Path folder;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_signed_upload_answers_with_its_signature_and_keeps_it_beside_the_file() {
        JsonNode uploaded = upload("?sign=true", Content.random(50_000));

        JsonNode signature = uploaded.path("signature");
        assertThat(signature.path("algorithm").asText()).isEqualTo("ecdsa-p256-sha256");
        assertThat(signature.path("certificate_fingerprint").asText()).matches("[0-9a-f]{64}");
        assertThat(signature.path("signed_at").asText()).isNotBlank();
        assertThat(signature.path("file").asText()).isEqualTo(uploaded.path("storage_filename").asText() + ".sig");
        assertThat(signatureFile(uploaded)).isRegularFile();
        assertThat(uploaded.path("saga_id").asText()).isNotBlank();
        assertThat(server.get("/api/v1/files/" + uploaded.path("file_id").asText()).json().path("signature")
                .path("certificate_fingerprint").asText()).isEqualTo(signature.path("certificate_fingerprint").asText());
    }

    @Test
    void openssl_verifies_the_stored_file_against_its_signature() throws IOException {
        assumeTrue(run(List.of("openssl", "version")).exitCode() == 0, "openssl is not installed");
        JsonNode uploaded = upload("?sign=true", Content.random(200_003));
        Path stored = server.storedFile(uploaded);
        Path certificate = folder.resolve("signer.pem");

        Run certificates = run(List.of("openssl", "pkcs7", "-inform", "DER", "-in", signatureFile(uploaded).toString(),
                "-print_certs", "-out", certificate.toString()));
        Run verification = run(List.of("openssl", "cms", "-verify", "-binary", "-inform", "DER",
                "-in", signatureFile(uploaded).toString(), "-content", stored.toString(),
                "-CAfile", certificate.toString(), "-out", folder.resolve("verified.out").toString()));

        assertThat(certificates.exitCode()).as(certificates.output()).isZero();
        assertThat(verification.exitCode()).as(verification.output()).isZero();
        assertThat(verification.output()).contains("Verification successful");
    }

    @Test
    void the_verify_endpoint_says_valid_and_then_invalid_once_the_stored_file_is_tampered_with() throws IOException {
        JsonNode uploaded = upload("?sign=true", Content.random(10_000));
        String fileId = uploaded.path("file_id").asText();

        JsonNode valid = server.get("/api/v1/files/" + fileId + "/signature/verify").json();
        assertThat(valid.path("file_id").asText()).isEqualTo(fileId);
        assertThat(valid.path("valid").asBoolean()).isTrue();
        assertThat(valid.path("algorithm").asText()).isEqualTo("ecdsa-p256-sha256");
        assertThat(valid.path("signer").asText()).contains("ArtStore Ingester");
        assertThat(valid.path("certificate_fingerprint").asText())
                .isEqualTo(uploaded.path("signature").path("certificate_fingerprint").asText());
        assertThat(valid.path("reason").isNull()).isTrue();

        Path stored = server.storedFile(uploaded);
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(stored, bytes, StandardOpenOption.TRUNCATE_EXISTING);

        JsonNode tampered = server.get("/api/v1/files/" + fileId + "/signature/verify").json();
        assertThat(tampered.path("valid").asBoolean()).isFalse();
        assertThat(tampered.path("reason").asText()).isNotBlank();
    }

    @Test
    void a_compressed_signed_file_is_verified_against_its_original_bytes() {
        JsonNode uploaded = upload("?sign=true&compression_algorithm=gzip", ("compressible ".repeat(5_000)).getBytes(StandardCharsets.UTF_8));

        assertThat(uploaded.path("compressed").asBoolean()).isTrue();
        assertThat(server.get("/api/v1/files/" + uploaded.path("file_id").asText() + "/signature/verify").json()
                .path("valid").asBoolean()).isTrue();
    }

    @Test
    void an_unsigned_file_has_no_signature_to_verify() {
        JsonNode uploaded = upload("", Content.random(100));

        assertThat(uploaded.path("signature").isNull()).isTrue();
        Reply reply = server.get("/api/v1/files/" + uploaded.path("file_id").asText() + "/signature/verify");
        assertThat(reply.status()).as(reply.body()).isEqualTo(404);
        assertThat(reply.code()).isEqualTo("no_signature");
        Reply unknown = server.get("/api/v1/files/00000000-0000-4000-8000-000000000000/signature/verify");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("file_not_found");
    }

    @Test
    void the_configured_default_signs_uploads_that_do_not_say() {
        try (TestServer signing = TestServer.builder().env("INGESTER_SIGNING_DEFAULT", "on").start()) {
            Reply signed = signing.upload(Multipart.form().field("target_mode", "edit").file("a.txt", Content.random(10)));
            Reply unsigned = signing.upload("?sign=false", Multipart.form().field("target_mode", "edit").file("a.txt", Content.random(10)));

            assertThat(signed.json().path("signature").path("algorithm").asText()).isEqualTo("ecdsa-p256-sha256");
            assertThat(unsigned.json().path("signature").isNull()).isTrue();
        }
    }

    private static JsonNode upload(String query, byte[] content) {
        Reply reply = server.upload(query, Multipart.form().field("target_mode", "edit").file("a.bin", content));
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private static Path signatureFile(JsonNode uploaded) {
        Path stored = server.storedFile(uploaded);
        return stored.resolveSibling(stored.getFileName() + ".sig");
    }

    private record Run(int exitCode, String output) {}

    private static Run run(List<String> command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
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
            if (command.get(0).equals("openssl")) {
                return new Run(-1, e.getMessage());
            }
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
