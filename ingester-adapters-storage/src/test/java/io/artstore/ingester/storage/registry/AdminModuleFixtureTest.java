package io.artstore.ingester.storage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.storage.registry.fixture.AdminAccounts;
import io.artstore.ingester.storage.registry.fixture.AdminModuleServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin-module fixture answers as the contract says, so that the adapter's tests mean something. */
class AdminModuleFixtureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AdminModuleServer admin = AdminModuleServer.start(new AdminAccounts()
            .serviceAccount("sa_test_writer_00000001", "s1", "user", 100)
            .serviceAccount("sa_test_limited_00000003", "s3", "user", 3)
            .serviceAccount("sa_test_reader_00000002", "s2", "readonly", 100)
            .adminUserToken("admin-user-token"));
    /** A request that hangs fails the test instead of stalling the build. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        admin.close();
    }

    @Test
    void issues_service_account_tokens_and_refuses_wrong_secrets() throws Exception {
        HttpResponse<String> ok = post("/api/v1/auth/token", null, "{\"client_id\":\"sa_test_writer_00000001\",\"client_secret\":\"s1\"}");
        JsonNode token = JSON.readTree(ok.body());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(token.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.path("expires_in").asInt()).isEqualTo(1800);
        assertThat(token.has("refresh_token") && token.has("issued_at")).isTrue();

        assertThat(post("/api/v1/auth/token", null, "{\"client_id\":\"sa_test_writer_00000001\",\"client_secret\":\"x\"}")
                .statusCode()).isEqualTo(401);
    }

    @Test
    void validates_registrations_as_the_contract_says() throws Exception {
        String token = token("sa_test_writer_00000001", "s1");
        String id = UUID.randomUUID().toString();

        ObjectNode noTtl = registration(id).put("retention_policy", "temporary");
        noTtl.remove("ttl_days");
        assertThat(post("/api/v1/files", token, noTtl.toString()).statusCode()).as("temporary without TTL").isEqualTo(422);

        HttpResponse<String> created = post("/api/v1/files", token, registration(id).toString());
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode entry = JSON.readTree(created.body());
        assertThat(entry.path("checksum_sha256").asText()).as("lower-cased").isEqualTo("ab".repeat(32));
        assertThat(entry.path("is_deleted").asBoolean()).isFalse();

        HttpResponse<String> duplicate = post("/api/v1/files", token, registration(id).toString());
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(duplicate.body()).path("detail").asText()).isEqualTo("File with ID " + id + " already exists");
    }

    @Test
    void keeps_permanent_files_permanent_and_needs_role_admin_to_delete() throws Exception {
        String token = token("sa_test_writer_00000001", "s1");
        String id = UUID.randomUUID().toString();
        post("/api/v1/files", token, registration(id).toString());

        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/files/" + id)).header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"retention_policy\":\"permanent\"}"))).statusCode()).isEqualTo(200);
        assertThat(admin.entry(id).orElseThrow().path("ttl_days").isNull()).isTrue();
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/files/" + id)).header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"retention_policy\":\"temporary\"}"))).statusCode()).isEqualTo(400);
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/files/" + id + "?deletion_reason=manual"))
                .header("Authorization", "Bearer " + token).DELETE()).statusCode()).as("role user").isEqualTo(403);
    }

    @Test
    void refuses_admin_user_tokens_and_throttles_per_account() throws Exception {
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/files/" + UUID.randomUUID()))
                .header("Authorization", "Bearer admin-user-token").GET()).statusCode()).isEqualTo(401);

        String token = token("sa_test_limited_00000003", "s3");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> answer = get("/api/v1/files/" + UUID.randomUUID(), token);
            assertThat(answer.statusCode()).isEqualTo(404);
            assertThat(answer.headers().firstValue("X-RateLimit-Remaining")).hasValue(Integer.toString(2 - i));
        }
        HttpResponse<String> throttled = get("/api/v1/files/" + UUID.randomUUID(), token);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After").map(Long::parseLong).orElseThrow()).isBetween(1L, 60L);
        assertThat(throttled.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
        assertThat(throttled.headers().firstValue("X-RateLimit-Reset")).isPresent();

        String other = token("sa_test_reader_00000002", "s2");
        assertThat(get("/api/v1/files/" + UUID.randomUUID(), other).statusCode()).as("another account's window").isEqualTo(404);
    }

    @Test
    void refuses_connections_while_down_and_answers_on_the_same_port_after() throws Exception {
        // The token comes over a client of its own: a connection kept alive in this test's client from before the
        // outage races the JDK client's noticing that the fixture closed it, and once left a request waiting for ever.
        String token = token(HttpClient.newHttpClient(), "sa_test_reader_00000002", "s2");
        admin.down();
        try {
            get("/api/v1/files/" + UUID.randomUUID(), token);
            throw new AssertionError("the request went through");
        } catch (ConnectException expected) {
            // The port is closed.
        }
        admin.up();
        assertThat(get("/api/v1/files/" + UUID.randomUUID(), token).statusCode()).isEqualTo(404);
    }

    private static ObjectNode registration(String id) {
        ObjectNode body = JSON.createObjectNode().put("file_id", id).put("original_filename", "a.txt")
                .put("storage_filename", "a_x_" + id + ".txt").put("file_size", 3).put("checksum_sha256", "AB".repeat(32))
                .put("retention_policy", "temporary").put("ttl_days", 7).put("ttl_expires_at", "2026-12-14T00:00:00Z")
                .put("storage_element_id", "se-1").put("storage_path", "2026/12/07/00/");
        return body;
    }

    private String token(String clientId, String secret) throws Exception {
        return token(http, clientId, secret);
    }

    private String token(HttpClient client, String clientId, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/auth/token")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"client_id\":\"" + clientId + "\",\"client_secret\":\"" + secret + "\"}"));
        return JSON.readTree(send(client, request).body()).path("access_token").asText();
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET());
    }

    private HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(http, request);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return admin.url().resolve(path);
    }
}
