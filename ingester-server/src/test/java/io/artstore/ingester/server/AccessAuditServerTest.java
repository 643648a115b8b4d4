package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.server.audit.SecurityMonitor;
import io.artstore.ingester.server.security.Keys;
import io.artstore.ingester.server.security.Tokens;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access decisions made by authentication and authorization reach the audit log and the alert detectors of the
 * running server, bound to the token and the request.
 */
class AccessAuditServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int AUTH_FAILURE_ALERT = 4;

    @TempDir
    static Path folder;
    private static Keys keys;
    private static TestServer server;

    @BeforeAll
    static void start() {
        keys = Keys.generate();
        Path keyFile = keys.writePublicPem(folder.resolve("public_key.pem"));
        // Failures must not block the test client's address: the alert, not the block, is under test here.
        server = TestServer.builder().env("AUTH_ENABLED", "on").env("AUTH_PUBLIC_KEY_PATH", keyFile.toString())
                .env("INGESTER_LIMITS_AUTH_FAILURES_BEFORE_BLOCK", "0").env("INGESTER_LIMITS_IP_REQUESTS_PER_MINUTE", "0")
                .env("INGESTER_ALERTS_AUTH_FAILURES_COUNT", Integer.toString(AUTH_FAILURE_ALERT)).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Reply upload(String token, String requestId) {
        Multipart form = Multipart.form().field("target_mode", "edit").file("a.txt", Content.random(1000));
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/api/v1/files/upload"))
                .header("Content-Type", form.contentType()).header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.send(request);
    }

    private static List<JsonNode> accessRecords(String requestId) {
        List<JsonNode> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(server.dataDir().resolve("audit"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode node = JSON.readTree(line);
                    if (node.path("action").asText().equals("access") && node.path("request_id").asText().equals(requestId)) {
                        records.add(node);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    @Test
    void an_allowed_upload_is_an_access_record_bound_to_the_token_and_the_request() {
        Map<String, Object> claims = Tokens.claims("user", "alice");
        String requestId = "req-" + UUID.randomUUID();

        Reply reply = upload(Tokens.nimbus(keys, claims), requestId);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(accessRecords(requestId)).singleElement().satisfies(r -> {
            assertThat(r.path("outcome").asText()).isEqualTo("succeeded");
            assertThat(r.path("subject").asText()).isEqualTo(claims.get("sub"));
            assertThat(r.path("name").asText()).isEqualTo("alice");
            assertThat(r.path("client_id").asText()).isEqualTo(claims.get("client_id"));
            assertThat(r.path("token_id").asText()).isEqualTo(claims.get("jti"));
            assertThat(r.path("client_ip").asText()).isEqualTo("127.0.0.1");
            assertThat(r.path("reason").asText()).startsWith("files:upload");
        });
        assertVerifies();
    }

    @Test
    void a_role_without_the_permission_is_a_refused_record_with_the_token_identity() {
        Map<String, Object> claims = Tokens.claims("readonly", "rita");
        String requestId = "req-" + UUID.randomUUID();

        Reply reply = upload(Tokens.auth0(keys, claims), requestId);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
        assertThat(accessRecords(requestId)).singleElement().satisfies(r -> {
            assertThat(r.path("outcome").asText()).isEqualTo("refused");
            assertThat(r.path("subject").asText()).isEqualTo(claims.get("sub"));
            assertThat(r.path("name").asText()).isEqualTo("rita");
            assertThat(r.path("token_id").asText()).isEqualTo(claims.get("jti"));
            assertThat(r.path("reason").asText()).startsWith("files:upload");
        });
        assertVerifies();
    }

    @Test
    void a_bad_token_is_a_refused_authenticate_record_and_repeated_ones_raise_the_alert() throws IOException {
        String requestId = "req-" + UUID.randomUUID();

        Reply reply = upload("garbage", requestId);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
        assertThat(accessRecords(requestId)).singleElement().satisfies(r -> {
            assertThat(r.path("outcome").asText()).isEqualTo("refused");
            assertThat(r.path("subject").asText()).isEqualTo("anonymous");
            assertThat(r.path("reason").asText()).startsWith("authenticate");
        });
        for (int i = 1; i < AUTH_FAILURE_ALERT; i++) {
            assertThat(upload(Tokens.nimbus(Keys.generate(), Tokens.claims("user", "mallory")), "bad-" + i).status())
                    .isEqualTo(401);
        }
        Path alerts = server.dataDir().resolve("alerts").resolve(SecurityMonitor.FILE_NAME);
        assertThat(alerts).exists();
        List<JsonNode> raised = new ArrayList<>();
        for (String line : Files.readAllLines(alerts)) {
            raised.add(JSON.readTree(line));
        }
        assertThat(raised).anySatisfy(alert -> {
            assertThat(alert.path("alert").asText()).isEqualTo("authentication_failures");
            assertThat(alert.path("client_ip").asText()).isEqualTo("127.0.0.1");
        });
        assertVerifies();
    }

    private static void assertVerifies() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Commands.run(new String[] {"audit", "verify", server.dataDir().resolve("audit").toString()}, Map.of(),
                new PrintStream(out), new PrintStream(err));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("audit log intact");
    }
}
