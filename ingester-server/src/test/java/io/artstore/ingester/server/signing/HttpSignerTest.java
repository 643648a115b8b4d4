package io.artstore.ingester.server.signing;

import static io.artstore.ingester.server.signing.SigningFixtures.NOW;
import static io.artstore.ingester.server.signing.SigningFixtures.content;
import static io.artstore.ingester.server.signing.SigningFixtures.identity;
import static io.artstore.ingester.server.signing.SigningFixtures.signStreamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.Signing;
import io.artstore.ingester.core.port.out.VerificationResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link HttpSigner} against a small signing service that signs the digests it is sent with {@link BouncyCastleSigner}. */
class HttpSignerTest {

    private static final String TOKEN = "test-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the fake service does with a well-formed, authorised request. */
    private interface Answer {
        void answer(HttpExchange exchange, JsonNode request) throws IOException;
    }

    private HttpServer server;
    private ExecutorService serverThreads;
    private final AtomicReference<JsonNode> lastRequest = new AtomicReference<>();
    private final AtomicReference<String> lastAuthorization = new AtomicReference<>();
    private final CountDownLatch releaseSlowAnswers = new CountDownLatch(1);
    private volatile Answer answer;

    @BeforeEach
    void start_the_signing_service() throws IOException {
        answer = signingWith(SignatureAlgorithm.ECDSA_P256_SHA256);
        serverThreads = Executors.newCachedThreadPool();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(serverThreads);
        server.createContext("/api/v1/sign", exchange -> {
            try (exchange) {
                lastAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
                if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    respond(exchange, 401, "{\"detail\":\"invalid token\"}");
                    return;
                }
                JsonNode request = JSON.readTree(exchange.getRequestBody());
                lastRequest.set(request);
                answer.answer(exchange, request);
            }
        });
        server.start();
    }

    @AfterEach
    void stop_the_signing_service() throws InterruptedException {
        releaseSlowAnswers.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        assertThat(serverThreads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/sign");
    }

    private HttpSigner signer(SignatureAlgorithm algorithm) {
        return new HttpSigner(HttpSignerSettings.of(url(), TOKEN, algorithm), SigningFixtures.fixedClock());
    }

    /** The service as it should be: signs the SHA-256 digest it is sent, with the fixture key. */
    private static Answer signingWith(SignatureAlgorithm algorithm) {
        return (exchange, request) -> {
            if (!"SHA-256".equals(request.path("digest_algorithm").asText())) {
                respond(exchange, 400, "{\"detail\":\"digest_algorithm must be SHA-256\"}");
                return;
            }
            byte[] digest = HexFormat.of().parseHex(request.path("digest").asText());
            respond(exchange, 200, answerBody(identity(algorithm).signer().signDigest(digest)));
        };
    }

    private static String answerBody(DetachedSignature signature) {
        return JSON.createObjectNode()
                .put("signature", Base64.getEncoder().encodeToString(signature.der()))
                .put("algorithm", signature.algorithm().wireName())
                .put("certificate_fingerprint", signature.certificateFingerprint())
                .toString();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"RSA_SHA256", "ECDSA_P256_SHA256"})
    void signs_streamed_content_through_the_service(SignatureAlgorithm algorithm) throws Exception {
        answer = signingWith(algorithm);
        byte[] content = content(300_007);

        DetachedSignature signature = signStreamed(signer(algorithm), content);
        VerificationResult result = new BouncyCastleSignatureVerifier().verify(signature.der(), new ByteArrayInputStream(content));

        assertThat(result.validFor(identity(algorithm).fingerprint())).as("%s", result.reason()).isTrue();
        assertThat(signature.algorithm()).isEqualTo(algorithm);
        assertThat(signature.certificateFingerprint()).isEqualTo(identity(algorithm).fingerprint());
        assertThat(signature.signedAt()).isEqualTo(NOW);
        assertThat(lastAuthorization.get()).isEqualTo("Bearer " + TOKEN);
        assertThat(lastRequest.get().path("digest_algorithm").asText()).isEqualTo("SHA-256");
        assertThat(lastRequest.get().path("digest").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        assertThat(lastRequest.get().has("file_id")).isFalse();
    }

    @Test
    void names_the_file_when_it_is_known() {
        FileId fileId = FileId.random();
        Signing signing = signer(SignatureAlgorithm.ECDSA_P256_SHA256).begin(fileId);
        signing.update(new byte[] {1, 2, 3}, 0, 3);

        signing.sign();

        assertThat(lastRequest.get().path("file_id").asText()).isEqualTo(fileId.toString());
    }

    @Test
    void one_signing_asks_the_service_once() {
        Signing signing = signer(SignatureAlgorithm.ECDSA_P256_SHA256).begin();
        signing.update(new byte[] {1}, 0, 1);
        signing.sign();

        assertThatThrownBy(signing::sign).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> signing.update(new byte[] {2}, 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_refused_token_is_a_configuration_error() {
        HttpSigner wrongToken = new HttpSigner(HttpSignerSettings.of(url(), "stale", SignatureAlgorithm.ECDSA_P256_SHA256));

        assertThatThrownBy(() -> signStreamed(wrongToken, content(10)))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.INTERNAL);
                    assertThat(e.code()).isEqualTo("signing_service_refused");
                })
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("token");
    }

    @Test
    void a_failing_service_is_unavailable() {
        answer = (exchange, request) -> respond(exchange, 503, "{\"detail\":\"HSM offline\"}");

        assertThatThrownBy(() -> signStreamed(signer(SignatureAlgorithm.ECDSA_P256_SHA256), content(10)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("HSM offline");
    }

    @Test
    void a_rejected_request_says_what_the_service_said() {
        answer = (exchange, request) -> respond(exchange, 422, "{\"detail\":\"digest must be 64 hex digits\"}");

        assertThatThrownBy(() -> signStreamed(signer(SignatureAlgorithm.ECDSA_P256_SHA256), content(10)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("signing_service_rejected"))
                .hasMessageContaining("digest must be 64 hex digits");
    }

    @Test
    void a_service_that_does_not_answer_in_time_is_unavailable() {
        answer = (exchange, request) -> {
            try {
                releaseSlowAnswers.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        HttpSigner impatient = new HttpSigner(HttpSignerSettings.of(url(), TOKEN, SignatureAlgorithm.ECDSA_P256_SHA256)
                .withRequestTimeout(Duration.ofMillis(300)));

        assertThatThrownBy(() -> signStreamed(impatient, content(10)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessageContaining("did not answer within 300 ms");
    }

    @Test
    void a_service_that_is_not_there_is_unavailable() {
        URI nobody = url();
        server.stop(0);

        assertThatThrownBy(() -> signStreamed(new HttpSigner(HttpSignerSettings.of(nobody, TOKEN,
                SignatureAlgorithm.ECDSA_P256_SHA256)), content(10)))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.code()).isEqualTo("signing_service_unavailable");
                })
                .hasMessageContaining("cannot reach");
    }

    @Test
    void a_signature_of_another_digest_is_refused() {
        answer = (exchange, request) -> respond(exchange, 200, answerBody(
                identity(SignatureAlgorithm.ECDSA_P256_SHA256).signer().signDigest(new byte[32])));

        assertThatThrownBy(() -> signStreamed(signer(SignatureAlgorithm.ECDSA_P256_SHA256), content(10)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("signing_service_bad_response"))
                .hasMessageContaining("not what was signed");
    }

    @Test
    void a_fingerprint_that_is_not_the_signing_certificates_is_refused() {
        answer = (exchange, request) -> {
            byte[] digest = HexFormat.of().parseHex(request.path("digest").asText());
            DetachedSignature real = identity(SignatureAlgorithm.ECDSA_P256_SHA256).signer().signDigest(digest);
            respond(exchange, 200, answerBody(new DetachedSignature(real.der(), real.algorithm(),
                    SigningFixtures.otherIdentity(SignatureAlgorithm.ECDSA_P256_SHA256).fingerprint(), real.signedAt())));
        };

        assertThatThrownBy(() -> signStreamed(signer(SignatureAlgorithm.ECDSA_P256_SHA256), content(10)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("signing_service_bad_response"))
                .hasMessageContaining("certificate_fingerprint");
    }

    @Test
    void another_algorithm_than_the_configured_one_is_refused() {
        answer = signingWith(SignatureAlgorithm.RSA_SHA256);

        assertThatThrownBy(() -> signStreamed(signer(SignatureAlgorithm.ECDSA_P256_SHA256), content(10)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("signing_service_bad_response"))
                .hasMessageContaining("rsa-sha256")
                .hasMessageContaining("configured");
    }

    @Test
    void answers_that_are_not_signatures_are_refused() {
        Map<String, String> wrongAnswers = Map.of(
                "not json", "not JSON",
                "{\"algorithm\":\"ecdsa-p256-sha256\",\"certificate_fingerprint\":\"00\"}", "no 'signature'",
                "{\"signature\":\"***\",\"algorithm\":\"ecdsa-p256-sha256\",\"certificate_fingerprint\":\"00\"}", "not base64",
                "{\"signature\":\"AQID\",\"algorithm\":\"ecdsa-p256-sha256\",\"certificate_fingerprint\":\"00\"}", "not a CMS");
        for (Map.Entry<String, String> wrong : wrongAnswers.entrySet()) {
            answer = (exchange, request) -> respond(exchange, 200, wrong.getKey());

            assertThatThrownBy(() -> signStreamed(signer(SignatureAlgorithm.ECDSA_P256_SHA256), content(10)))
                    .as(wrong.getKey())
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("signing_service_bad_response"))
                    .hasMessageContaining(wrong.getValue());
        }
    }

    @Test
    void settings_accept_only_sha256_algorithms_and_hide_the_token() {
        assertThatThrownBy(() -> HttpSignerSettings.of(url(), TOKEN, SignatureAlgorithm.ED25519))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHA-512");
        assertThatThrownBy(() -> HttpSignerSettings.of(url(), TOKEN, SignatureAlgorithm.GOST3410_2012_256))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpSignerSettings.of(URI.create("ftp://signer/"), TOKEN, SignatureAlgorithm.RSA_SHA256))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpSignerSettings.of(url(), " ", SignatureAlgorithm.RSA_SHA256))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(HttpSignerSettings.of(url(), TOKEN, SignatureAlgorithm.RSA_SHA256).toString()).doesNotContain(TOKEN);
    }
}
