package io.artstore.ingester.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.security.Keys;
import io.artstore.ingester.server.security.Tokens;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who reads {@code /metrics} as configuration says: public, behind {@code metrics:read}, off, or open without auth. */
class MetricsAccessTest {

    @TempDir
    Path root;

    private TestServer.Builder secured(Keys keys) {
        Path keyFile = keys.writePublicPem(root.resolve("public_key.pem"));
        return TestServer.builder().env("AUTH_ENABLED", "on").env("AUTH_PUBLIC_KEY_PATH", keyFile.toString());
    }

    @Test
    void public_metrics_need_no_token_while_the_analytics_still_do() {
        Keys keys = Keys.generate();
        try (TestServer server = secured(keys).env("INGESTER_METRICS_PUBLIC", "on").start()) {
            Reply metrics = server.get("/metrics");
            assertThat(metrics.status()).as(metrics.toString()).isEqualTo(200);
            PrometheusText parsed = PrometheusText.parse(metrics.body());
            assertThat(parsed.names()).contains("jvm_memory_used_bytes", "artstore_storage_element_health");
            // Only the exact route is opened: a spelling of another path is not.
            assertThat(server.get("/metrics/../api/v1/analytics/failures").status()).isEqualTo(401);
            assertThat(server.get("/api/v1/analytics/failures").status()).isEqualTo(401);
            assertThat(server.send(HttpRequest.newBuilder(server.uri("/metrics")).DELETE()).status()).isIn(401, 403);
            String auditor = Tokens.nimbus(keys, Tokens.claims("auditor", "auditor-account"));
            Reply analytics = server.send(HttpRequest.newBuilder(server.uri("/api/v1/analytics/failures"))
                    .header("Authorization", "Bearer " + auditor).GET());
            assertThat(analytics.status()).as(analytics.toString()).isEqualTo(200);
            assertThat(server.status().path("configuration").path("metrics").path("public").asBoolean()).isTrue();
        }
    }

    @Test
    void metrics_are_private_by_default() {
        try (TestServer server = secured(Keys.generate()).start()) {
            assertThat(server.get("/metrics").status()).isEqualTo(401);
        }
    }

    @Test
    void metrics_turned_off_answer_404_with_a_code() {
        try (TestServer server = TestServer.builder().env("INGESTER_METRICS_ENABLED", "off").start()) {
            Reply reply = server.get("/metrics");
            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.code()).isEqualTo("metrics_disabled");
            // The analytics read the in-memory history, which does not depend on the meters.
            assertThat(server.get("/api/v1/analytics/performance").status()).isEqualTo(200);
        }
    }

    @Test
    void without_authentication_metrics_are_open_like_every_other_route() {
        try (TestServer server = TestServer.start()) {
            Reply reply = server.get("/metrics");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(PrometheusText.parse(reply.body()).names()).contains("artstore_access_decisions_total");
        }
    }
}
