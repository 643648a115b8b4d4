package io.artstore.ingester.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.redis.fixture.RedisProcess;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances sharing one Redis ({@code INGESTER_STATE=redis}) and one signing key, as the instances of a cluster
 * behind a load balancer: a temporary token's uses and the blocks are the cluster's, not one instance's.
 */
class SharedSecurityStateServerTest {

    @TempDir
    static Path folder;

    private static RedisProcess redis;
    private static Keys keys;
    private static TestServer first;
    private static TestServer second;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start(folder.resolve("redis"));
        keys = Keys.generate();
        Path keyFile = keys.writePublicPem(folder.resolve("public_key.pem"));
        first = instance(keyFile, "ingester-a").start();
        Path signingKey = first.dataDir().resolve("security").resolve(SigningKey.FILE);
        second = instance(keyFile, "ingester-b").seed(data -> copy(signingKey, data.resolve("security").resolve(SigningKey.FILE)))
                .start();
    }

    private static TestServer.Builder instance(Path keyFile, String nodeId) {
        return TestServer.builder().env("AUTH_ENABLED", "on").env("AUTH_PUBLIC_KEY_PATH", keyFile.toString())
                .env("INGESTER_STATE", "redis").env("REDIS_HOST", redis.host()).env("REDIS_PORT", Integer.toString(redis.port()))
                .env("INGESTER_NODE_ID", nodeId).env("INGESTER_TRUSTED_PROXIES", "127.0.0.1,::1")
                .env("INGESTER_LIMITS_AUTH_FAILURES_BEFORE_BLOCK", "3").env("INGESTER_LIMITS_REFUSALS_BEFORE_BLOCK", "0");
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (second != null) {
                second.close();
            }
        } finally {
            try {
                if (first != null) {
                    first.close();
                }
            } finally {
                redis.close();
            }
        }
    }

    private static Reply send(TestServer server, String ip, String token, HttpRequest.Builder request) {
        request.header("X-Forwarded-For", ip);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.send(request);
    }

    private static Reply upload(TestServer server, String ip, String token) {
        Multipart form = SecureServer.smallFile();
        return send(server, ip, token, HttpRequest.newBuilder(server.uri("/api/v1/files/upload"))
                .header("Content-Type", form.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
    }

    private static Reply post(TestServer server, String token, String path, String json) {
        return send(server, "198.51.100.60", token, HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void a_single_use_token_used_on_one_instance_is_spent_on_the_other() {
        String user = Tokens.nimbus(keys, Tokens.claims("user", "dave"));
        Reply issued = post(first, user, "/api/v1/tokens", "{\"operation\":\"files:upload\",\"mode\":\"edit\",\"uses\":1}");
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        String temporary = issued.json().path("access_token").asText();

        Reply used = upload(first, "198.51.100.61", temporary);
        assertThat(used.status()).as(used.toString()).isEqualTo(201);
        Reply again = upload(second, "198.51.100.61", temporary);

        SecureServer.assertUnauthorized(again);
        assertThat(again.json().path("message").asText()).contains("spent");
        // The second instance accepts a fresh token of the same key, so the refusal above is the spent use.
        String fresh = post(first, user, "/api/v1/tokens", "{\"operation\":\"files:upload\",\"mode\":\"edit\",\"uses\":1}")
                .json().path("access_token").asText();
        Reply elsewhere = upload(second, "198.51.100.61", fresh);
        assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(201);
        SecureServer.assertUnauthorized(upload(first, "198.51.100.61", fresh));
    }

    @Test
    void a_block_raised_on_one_instance_is_listed_enforced_and_lifted_on_the_other() {
        String attacker = "203.0.113.19";
        for (int i = 0; i < 3; i++) {
            SecureServer.assertUnauthorized(upload(first, attacker, Tokens.nimbus(Keys.generate(), Tokens.claims("user", "x"))));
        }
        String user = Tokens.nimbus(keys, Tokens.claims("user", "victim"));
        assertThat(upload(first, attacker, user).code()).isEqualTo("blocked");

        Reply blocked = upload(second, attacker, user);
        assertThat(blocked.status()).as(blocked.toString()).isEqualTo(429);
        assertThat(blocked.code()).isEqualTo("blocked");
        assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
        String admin = Tokens.nimbus(keys, Tokens.claims("admin", "ops"));
        Reply list = send(second, "198.51.100.50", admin, HttpRequest.newBuilder(second.uri("/api/v1/admin/blocks")).GET());
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.json().path("blocks").findValuesAsText("value")).contains(attacker);

        Reply lifted = send(second, "198.51.100.50", admin,
                HttpRequest.newBuilder(second.uri("/api/v1/admin/blocks/ip/" + attacker)).DELETE());
        assertThat(lifted.status()).as(lifted.toString()).isEqualTo(204);

        Reply afterwards = upload(first, attacker, user);
        assertThat(afterwards.status()).as(afterwards.toString()).isEqualTo(201);
        Reply listed = send(first, "198.51.100.50", admin, HttpRequest.newBuilder(first.uri("/api/v1/admin/blocks")).GET());
        assertThat(listed.json().path("blocks").findValuesAsText("value")).doesNotContain(attacker);
    }
}
