package io.artstore.ingester.server.security;

import static io.artstore.ingester.server.security.SecureServer.assertUnauthorized;
import static io.artstore.ingester.server.security.SecureServer.smallFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.algorithms.Algorithm;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attacks on authentication and authorization through HTTP, with tokens minted by nimbus and by java-jwt: each is
 * refused with its status, and leaves no file, no catalogue entry, no reservation and no saga behind.
 */
class AttackSuiteTest {

    @TempDir
    static Path folder;
    private static SecureServer secure;

    @BeforeAll
    static void start() {
        // Failures must not block the test client's address between cases: that detector has its own test.
        secure = SecureServer.start(folder, "INGESTER_LIMITS_AUTH_FAILURES_BEFORE_BLOCK", "0",
                "INGESTER_LIMITS_IP_REQUESTS_PER_MINUTE", "0", "INGESTER_LIMITS_SUBJECT_REQUESTS_PER_MINUTE", "0");
    }

    @AfterAll
    static void stop() {
        secure.close();
    }

    private static Map<String, Object> user() {
        return Tokens.claims("user", "alice");
    }

    private static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        claims.put(name, value);
        return claims;
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    /** Runs {@code attack} and checks its answer, then that nothing changed. */
    private static Reply refused(Supplier<Reply> attack, int status) {
        SecureServer.State before = secure.state();
        Reply reply = attack.get();
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        if (status == 401) {
            assertUnauthorized(reply);
        }
        assertThat(secure.state()).as("storage, catalogue, spool, saga log and reservations").isEqualTo(before);
        return reply;
    }

    private static Reply uploadWith(String token) {
        return refused(() -> secure.upload(token, smallFile()), 401);
    }

    @Test
    void tokens_of_both_libraries_upload_and_the_file_is_named_after_the_token() {
        Reply byNimbus = secure.upload(Tokens.nimbus(secure.keys(), user()), smallFile());
        Reply byAuth0 = secure.upload(Tokens.auth0(secure.keys(), Tokens.claims("user", "bob")), smallFile());

        assertThat(byNimbus.status()).as(byNimbus.toString()).isEqualTo(201);
        assertThat(byAuth0.status()).as(byAuth0.toString()).isEqualTo(201);
        String reader = secure.token("readonly", "carol");
        Reply file = secure.get(reader, "/api/v1/files/" + byNimbus.json().path("file_id").asText());
        assertThat(file.json().path("created_by_username").asText()).isEqualTo("alice");
        assertThat(file.json().path("storage_filename").asText()).contains("alice");
        Reply other = secure.get(reader, "/api/v1/files/" + byAuth0.json().path("file_id").asText());
        assertThat(other.json().path("created_by_username").asText()).isEqualTo("bob");
    }

    @Test
    void no_token_garbage_and_a_bad_scheme_are_401() {
        uploadWith(null);
        uploadWith("garbage");
        uploadWith("abc.def.ghi");
        Multipart form = smallFile();
        refused(() -> secure.server().send(java.net.http.HttpRequest.newBuilder(secure.server().uri("/api/v1/files/upload"))
                .header("Authorization", "Basic YWxpY2U6c2VjcmV0").header("Content-Type", form.contentType())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(form.bytes()))), 401);
    }

    @Test
    void alg_none_is_401() {
        uploadWith(Tokens.auth0(user(), Algorithm.none()));
    }

    @Test
    void hs256_signed_with_the_public_key_as_secret_is_401() {
        Reply reply = uploadWith(Tokens.auth0(user(), Algorithm.HMAC256(secure.keys().publicPem())));
        assertThat(reply.json().path("message").asText()).contains("HS256", "only RS256");
        uploadWith(Tokens.auth0(user(), Algorithm.HMAC256(secure.keys().publicKey().getEncoded())));
    }

    @Test
    void a_token_signed_with_another_key_is_401() {
        uploadWith(Tokens.nimbus(Keys.generate(), user()));
        uploadWith(Tokens.auth0(Keys.generate(), user()));
    }

    @Test
    void a_tampered_payload_is_401() {
        String token = secure.token("readonly", "mallory");
        String[] parts = token.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"readonly\"", "\"admin\"");
        uploadWith(parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
    }

    @Test
    void times_are_checked_with_the_leeway() {
        uploadWith(Tokens.nimbus(secure.keys(), with(user(), "exp", now() - 120)));
        uploadWith(Tokens.auth0(secure.keys(), with(user(), "nbf", now() + 120)));
        uploadWith(Tokens.nimbus(secure.keys(), with(user(), "iat", now() + 120)));
        // Within the default 30 s of leeway, clocks that are a little off still agree.
        Reply late = secure.upload(Tokens.nimbus(secure.keys(), with(user(), "exp", now() - 5)), smallFile());
        assertThat(late.status()).as(late.toString()).isEqualTo(201);
        Reply early = secure.upload(Tokens.auth0(secure.keys(), with(with(user(), "nbf", now() + 5), "iat", now() + 5)), smallFile());
        assertThat(early.status()).as(early.toString()).isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sub", "type", "role", "name", "jti", "iat", "exp", "nbf"})
    void a_missing_required_claim_is_401(String claim) {
        Map<String, Object> claims = user();
        claims.remove(claim);
        Reply reply = uploadWith(Tokens.auth0(secure.keys(), claims));
        assertThat(reply.json().path("message").asText()).contains("'" + claim + "'");
    }

    @Test
    void a_refresh_token_is_not_an_access_token() {
        uploadWith(Tokens.nimbus(secure.keys(), with(user(), "type", "refresh")));
    }

    @Test
    void an_unknown_role_has_no_rights() {
        Reply reply = refused(() -> secure.upload(secure.token("superuser", "eve"), smallFile()), 403);
        assertThat(reply.code()).isEqualTo("forbidden");
        refused(() -> secure.get(secure.token("superuser", "eve"), "/api/v1/admin/sagas?state=completed"), 403);
    }

    @Test
    void a_role_without_the_permission_is_403() {
        refused(() -> secure.upload(secure.token("readonly", "ro"), smallFile()), 403);
        refused(() -> secure.upload(secure.token("auditor", "au"), smallFile()), 403);
        refused(() -> secure.get(secure.token("operator", "op"), "/api/v1/admin/sagas?state=completed"), 403);
        refused(() -> secure.get(secure.token("user", "us"), "/api/v1/admin/blocks"), 403);
        Reply uploaded = secure.upload(secure.token("user", "owner"), smallFile());
        String file = "/api/v1/files/" + uploaded.json().path("file_id").asText();
        refused(() -> secure.delete(secure.token("user", "us"), file), 403);
        refused(() -> secure.postJson(secure.token("readonly", "ro"), file + "/transfer", "{}"), 403);
        assertThat(secure.get(secure.token("readonly", "ro"), file).status()).isEqualTo(200);
    }

    @Test
    void disguised_admin_paths_need_the_admin_permission_too() {
        String user = secure.token("user", "us");
        for (String path : List.of("/api/v1/%61dmin/sagas?state=completed", "/api/v1/admin//sagas?state=completed",
                "/api/v1/./admin/sagas?state=completed", "/api/v1/files/../admin/sagas?state=completed", "/API/v1/admin/blocks")) {
            Reply reply = secure.get(user, path);
            assertThat(reply.status()).as("%s: %s", path, reply).isNotEqualTo(200);
        }
    }

    @Test
    void custom_claims_narrow_a_role_and_never_widen_it() {
        Map<String, Object> narrowed = with(Tokens.claims("operator", "op"), "permissions", List.of("files:read", "admin"));
        refused(() -> secure.upload(Tokens.auth0(secure.keys(), narrowed), smallFile()), 403);
        refused(() -> secure.get(Tokens.nimbus(secure.keys(), narrowed), "/api/v1/admin/blocks"), 403);
    }

    @Test
    void a_token_limited_to_another_element_is_403() {
        String elsewhere = Tokens.nimbus(secure.keys(), with(user(), "storage_elements", List.of("local-rw")));
        refused(() -> secure.upload(elsewhere, Multipart.form().field("target_mode", "edit").field("storage_element_id", "local-edit")
                .file("a.txt", Content.random(100))), 403);
        String editOnly = Tokens.auth0(secure.keys(), with(Tokens.claims("operator", "op"), "storage_modes", List.of("edit")));
        refused(() -> secure.upload(editOnly, Multipart.form().field("target_mode", "rw").file("a.txt", Content.random(100))), 403);

        Reply uploaded = secure.upload(secure.token("user", "owner"), smallFile());
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        String file = "/api/v1/files/" + uploaded.json().path("file_id").asText();
        String operatorElsewhere = Tokens.nimbus(secure.keys(), with(Tokens.claims("operator", "op"), "storage_elements",
                List.of("local-rw")));
        refused(() -> secure.get(operatorElsewhere, file), 403);
        refused(() -> secure.delete(operatorElsewhere, file), 403);
        refused(() -> secure.postJson(editOnly, file + "/transfer", "{}"), 403);
        String here = Tokens.nimbus(secure.keys(), with(Tokens.claims("user", "u"), "storage_elements", List.of("local-edit")));
        assertThat(secure.get(here, file).status()).isEqualTo(200);
        assertThat(secure.upload(here, smallFile()).status()).as("the one element it reaches is taken").isEqualTo(201);
    }

    @Test
    void the_vector_clock_header_needs_its_permission() {
        String clock = secure.upload(secure.token("user", "us"), smallFile()).headers().firstValue("X-ArtStore-Vector-Clock")
                .orElseThrow();
        Multipart form = smallFile();
        Function<String, Reply> withClock = token -> secure.server().send(java.net.http.HttpRequest.newBuilder(
                        secure.server().uri("/api/v1/files/upload")).header("Authorization", "Bearer " + token)
                .header("X-ArtStore-Vector-Clock", clock).header("Content-Type", form.contentType())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
        Reply reply = refused(() -> withClock.apply(secure.token("user", "us")), 403);
        assertThat(reply.code()).isEqualTo("vector_clock_not_allowed");
        Reply allowed = withClock.apply(secure.token("operator", "op"));
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(201);
    }

    @Test
    void a_temporary_token_serves_its_uses_and_scope_only() throws Exception {
        String user = secure.token("user", "dave");
        Reply issued = secure.postJson(user, "/api/v1/tokens",
                "{\"operation\":\"files:upload\",\"mode\":\"edit\",\"max_bytes\":2000,\"uses\":1}");
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        String temporary = issued.json().path("access_token").asText();
        assertThat(issued.json().path("expires_in").asLong()).isEqualTo(600);

        Reply first = secure.upload(temporary, smallFile());
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        Reply file = secure.get(secure.token("readonly", "r"), "/api/v1/files/" + first.json().path("file_id").asText());
        assertThat(file.json().path("created_by_username").asText()).isEqualTo("dave");
        Reply reused = refused(() -> secure.upload(temporary, smallFile()), 401);
        assertThat(reused.json().path("message").asText()).contains("spent");

        String big = secure.postJson(user, "/api/v1/tokens", "{\"operation\":\"files:upload\",\"max_bytes\":100}")
                .json().path("access_token").asText();
        Reply tooLarge = refused(() -> secure.upload(big, Multipart.form().field("target_mode", "edit")
                .file("a.txt", Content.random(5000))), 413);
        assertThat(tooLarge.code()).isEqualTo("token_size_exceeded");
        Reply streamed = refused(() -> secure.upload(big, "?target_mode=edit", Multipart.form().file("a.txt", Content.random(20_000))), 413);
        assertThat(streamed.code()).isEqualTo("token_size_exceeded");
        Reply declaredLarge = refused(() -> secure.upload(big, "?target_mode=edit&file_size=150", Multipart.form().file("a.txt",
                Content.random(150))), 413);
        assertThat(declaredLarge.code()).isEqualTo("token_size_exceeded");
        // A client that declares less than it sends is cut off at the token's size; the saga it started is undone.
        int filesBefore = secure.server().files().size();
        Reply lying = secure.upload(big, "?target_mode=edit&file_size=50", Multipart.form().file("a.txt", Content.random(20_000)));
        assertThat(lying.status()).as(lying.toString()).isIn(400, 413, 422);
        assertThat(secure.server().files()).hasSize(filesBefore);
        assertThat(secure.server().outstandingBytes()).isZero();

        String reading = secure.postJson(user, "/api/v1/tokens", "{\"operation\":\"files:read\"}").json().path("access_token").asText();
        refused(() -> secure.upload(reading, smallFile()), 403);
        String editOnly = secure.postJson(user, "/api/v1/tokens", "{\"operation\":\"files:upload\",\"mode\":\"edit\"}")
                .json().path("access_token").asText();
        refused(() -> secure.upload(editOnly, Multipart.form().field("target_mode", "rw").file("a.txt", Content.random(10))), 403);
        refused(() -> secure.postJson(editOnly, "/api/v1/tokens", "{\"operation\":\"files:upload\"}"), 403);

        // A right the caller does not hold cannot be delegated, and no token lives longer than an hour.
        assertThat(secure.postJson(secure.token("readonly", "r"), "/api/v1/tokens", "{\"operation\":\"files:upload\"}").status())
                .isEqualTo(403);
        assertThat(secure.postJson(user, "/api/v1/tokens", "{\"operation\":\"files:delete\"}").status()).isEqualTo(403);
        assertThat(secure.postJson(user, "/api/v1/tokens", "{\"operation\":\"files:upload\",\"expires_in\":3601}").status())
                .isEqualTo(400);
        // The use count is on disk: it survives in the data folder.
        try (var counts = Files.list(secure.server().dataDir().resolve("security").resolve("token-uses"))) {
            assertThat(counts.count()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void the_signing_key_of_temporary_tokens_is_published_and_open_paths_stay_open() {
        Reply jwks = secure.server().get("/.well-known/jwks.json");
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.json().path("keys").get(0).path("kty").asText()).isEqualTo("RSA");
        assertThat(jwks.json().path("keys").get(0).has("d")).as("no private part").isFalse();
        assertThat(jwks.json().path("keys").get(0).path("kid").asText()).startsWith("ingester-");
        for (String open : List.of("/health/live", "/health/ready", "/api/v1/status", "/")) {
            assertThat(secure.server().get(open).status()).as(open).isIn(200, 503);
        }
        assertThat(secure.server().get("/api/v1/sagas/x").status()).isEqualTo(401);
        assertThat(secure.server().get("/no/such/path").status()).isEqualTo(401);
    }
}
