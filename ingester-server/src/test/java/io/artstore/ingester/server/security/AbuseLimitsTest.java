package io.artstore.ingester.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits per client address (before authentication) and per subject, the cap on a subject's concurrent
 * uploads, and the blocks the detectors set and operators lift. Requests come from the loopback address, a
 * trusted proxy here, and name their client in {@code X-Forwarded-For}; each test uses its own addresses.
 */
class AbuseLimitsTest {

    private static final int IP_PER_MINUTE = 20;

    @TempDir
    static Path folder;
    private static SecureServer secure;

    @BeforeAll
    static void start() {
        secure = SecureServer.start(folder, "INGESTER_LIMITS_IP_REQUESTS_PER_MINUTE", String.valueOf(IP_PER_MINUTE),
                "INGESTER_TRUSTED_PROXIES", "127.0.0.1,::1", "INGESTER_LIMITS_AUTH_FAILURES_BEFORE_BLOCK", "3",
                "INGESTER_LIMITS_REFUSALS_BEFORE_BLOCK", "0", "INGESTER_LIMITS_CONCURRENT_UPLOADS_PER_SUBJECT", "1");
    }

    @AfterAll
    static void stop() {
        secure.close();
    }

    private static Reply send(String ip, String token, HttpRequest.Builder request) {
        request.header("X-Forwarded-For", ip);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return secure.server().send(request);
    }

    private static Reply upload(String ip, String token) {
        Multipart form = SecureServer.smallFile();
        return send(ip, token, HttpRequest.newBuilder(secure.server().uri("/api/v1/files/upload"))
                .header("Content-Type", form.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
    }

    private static Reply get(String ip, String token, String path) {
        return send(ip, token, HttpRequest.newBuilder(secure.server().uri(path)).GET());
    }

    @Test
    void a_flood_from_one_address_gets_429_while_another_client_uploads() {
        String flooder = "203.0.113.7";
        List<Reply> flood = new ArrayList<>();
        for (int i = 0; i < 3 * IP_PER_MINUTE; i++) {
            flood.add(upload(flooder, "not-a-token"));
        }
        List<Reply> limited = flood.stream().filter(reply -> reply.status() == 429).toList();
        assertThat(limited).as("requests beyond the address's minute are refused").hasSizeGreaterThanOrEqualTo(IP_PER_MINUTE);
        assertThat(flood.stream().filter(reply -> reply.status() != 429)).allMatch(reply -> reply.status() == 401);
        assertThat(limited).allSatisfy(reply -> {
            assertThat(reply.code()).isIn("rate_limited", "blocked");
            assertThat(Long.parseLong(reply.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        });

        String user = secure.token("user", "calm");
        for (int i = 0; i < 5; i++) {
            Reply reply = upload("198.51.100.2", user);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        }
        assertThat(upload(flooder, user).status()).as("the flooder's address stays limited").isEqualTo(429);
    }

    @Test
    void the_address_header_is_believed_from_trusted_proxies_only() {
        // From the loopback (trusted) the rightmost untrusted entry counts, not what a client put further left.
        String user = secure.token("user", "spoof");
        Reply reply = get("10.9.9.9, 192.0.2.44", user, "/api/v1/sagas/none");
        assertThat(reply.status()).isNotEqualTo(429);
        assertThat(new ClientAddress(List.of("127.0.0.1")).resolve("127.0.0.1", List.of("10.9.9.9, 192.0.2.44")))
                .isEqualTo("192.0.2.44");
        assertThat(new ClientAddress(List.of()).resolve("198.51.100.1", List.of("192.0.2.44"))).isEqualTo("198.51.100.1");
        assertThat(new ClientAddress(List.of("10.0.0.0/8")).resolve("10.1.2.3", List.of("192.0.2.1, 10.0.0.7")))
                .isEqualTo("192.0.2.1");
        assertThat(new ClientAddress(List.of("10.0.0.0/8")).resolve("10.1.2.3", List.of("not-an-address")))
                .isEqualTo("10.1.2.3");
    }

    @Test
    void authentication_failures_block_the_address_until_an_operator_lifts_the_block() {
        String attacker = "203.0.113.9";
        for (int i = 0; i < 3; i++) {
            SecureServer.assertUnauthorized(get(attacker, Tokens.nimbus(Keys.generate(), Tokens.claims("admin", "x")), "/api/v1/sagas/a"));
        }
        String user = secure.token("user", "victim");
        Reply blocked = upload(attacker, user);
        assertThat(blocked.status()).as(blocked.toString()).isEqualTo(429);
        assertThat(blocked.code()).isEqualTo("blocked");
        assertThat(blocked.headers().firstValue("Retry-After")).isPresent();

        String admin = secure.token("admin", "ops");
        Reply list = get("198.51.100.50", admin, "/api/v1/admin/blocks");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.json().path("blocks").findValuesAsText("value")).contains(attacker);
        assertThat(send("198.51.100.50", secure.token("operator", "op"),
                HttpRequest.newBuilder(secure.server().uri("/api/v1/admin/blocks/ip/" + attacker)).DELETE()).status())
                .as("lifting a block is an admin action").isEqualTo(403);
        Reply lifted = send("198.51.100.50", admin, HttpRequest.newBuilder(secure.server().uri("/api/v1/admin/blocks/ip/" + attacker)).DELETE());
        assertThat(lifted.status()).as(lifted.toString()).isEqualTo(204);
        assertThat(send("198.51.100.50", admin, HttpRequest.newBuilder(secure.server().uri("/api/v1/admin/blocks/ip/" + attacker))
                .DELETE()).status()).isEqualTo(404);
        assertThat(upload(attacker, user).status()).isEqualTo(201);
    }

    @Test
    void a_subject_gets_the_rate_of_its_token() {
        String limited = Tokens.nimbus(secure.keys(), withRateLimit(Tokens.claims("user", "slow"), 3));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // A new address each time: only the subject's bucket can run out.
            statuses.add(get("198.51.100." + (100 + i), limited, "/api/v1/sagas/none").status());
        }
        assertThat(statuses.subList(0, 3)).doesNotContain(429);
        assertThat(statuses.subList(3, 5)).containsOnly(429);
        assertThat(get("198.51.100.120", secure.token("user", "other"), "/api/v1/sagas/none").status()).isNotEqualTo(429);
    }

    private static Map<String, Object> withRateLimit(Map<String, Object> claims, int perMinute) {
        claims.put("rate_limit", perMinute);
        return claims;
    }

    @Test
    void a_subject_has_at_most_its_cap_of_uploads_in_flight() throws Exception {
        String ip = "198.51.100.77";
        String user = secure.token("user", "busy");
        Multipart form = Multipart.form().field("target_mode", "edit").file("big.bin", Content.random(256 * 1024));
        byte[] body = form.bytes();
        List<java.nio.file.Path> before = secure.server().files();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", secure.server().port())) {
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/files/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: " + ip
                    + "\r\nAuthorization: Bearer " + user + "\r\nContent-Type: " + form.contentType() + "\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            TestServer.await("the first upload is being written", () -> secure.server().files().size() > before.size());

            Reply second = upload(ip, user);
            assertThat(second.status()).as(second.toString()).isEqualTo(429);
            assertThat(second.headers().firstValue("Retry-After")).isPresent();
            assertThat(upload("198.51.100.78", secure.token("user", "someone-else")).status()).isEqualTo(201);

            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 201");
        }
        Reply after = upload(ip, user);
        assertThat(after.status()).as("the permit came back: " + after).isEqualTo(201);
    }

    @Test
    void a_refused_upload_gives_its_permit_back() {
        String ip = "198.51.100.90";
        String user = secure.token("user", "clumsy");
        Multipart noMode = Multipart.form().file("a.txt", Content.random(100));
        for (int i = 0; i < 3; i++) {
            Reply refused = send(ip, user, HttpRequest.newBuilder(secure.server().uri("/api/v1/files/upload"))
                    .header("Content-Type", noMode.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(noMode.bytes())));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        }
        assertThat(upload(ip, user).status()).isEqualTo(201);
    }
}
