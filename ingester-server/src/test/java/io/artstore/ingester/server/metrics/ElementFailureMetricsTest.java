package io.artstore.ingester.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A remote storage element that fails: failed uploads by reason, its failed calls, its breaker opening, at /metrics. */
class ElementFailureMetricsTest {

    @TempDir
    Path root;

    private RemoteElements remote;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    private PrometheusText scrape() {
        Reply reply = server.get("/metrics");
        assertThat(reply.status()).isEqualTo(200);
        return PrometheusText.parse(reply.body());
    }

    @Test
    void failed_uploads_failed_calls_and_an_open_breaker_show_with_their_reason() {
        remote = new RemoteElements(root);
        Element edit = remote.start("flaky-edit", Mode.EDIT, 1, Transport.PLAIN);
        server = TestServer.builder().yaml(remote.yaml(RemoteElements.QUICK_RETRIES_AND_BREAKER)).start();
        Map<String, String> flaky = Map.of("element", "flaky-edit");
        PrometheusText before = scrape();
        assertThat(before.sum("artstore_storage_element_breaker_state", Map.of("element", "flaky-edit", "state", "closed")))
                .isEqualTo(1);
        assertThat(before.sum("artstore_storage_element_health", Map.of("element", "flaky-edit", "state", "healthy")))
                .isEqualTo(1);

        edit.server().faults().failNext(1_000, 503);
        int failed = 0;
        String reason = null;
        while (scrape().sum("artstore_storage_element_breaker_state", Map.of("element", "flaky-edit", "state", "open")) == 0) {
            Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("data.bin", Content.random(10_000)));
            assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
            reason = reply.code();
            assertThat(++failed).as("uploads refused before the circuit opened").isLessThanOrEqualTo(5);
        }

        PrometheusText after = scrape();
        assertThat(after.sum("artstore_operations_total", Map.of("operation", "upload", "outcome", "failed", "reason", reason)))
                .isEqualTo(failed);
        assertThat(after.sum("artstore_storage_element_breaker_state", Map.of("element", "flaky-edit", "state", "closed")))
                .isZero();
        assertThat(after.sum("artstore_storage_element_health", Map.of("element", "flaky-edit", "state", "unavailable")))
                .isEqualTo(1);
        assertThat(after.sum("artstore_storage_element_health", Map.of("element", "flaky-edit", "state", "healthy"))).isZero();
        assertThat(after.sum("artstore_storage_element_call_duration_seconds_count",
                Map.of("element", "flaky-edit", "outcome", "failed"))).isGreaterThanOrEqualTo(failed);
        assertThat(after.sum("artstore_storage_element_call_duration_seconds_count", flaky))
                .isGreaterThan(before.sum("artstore_storage_element_call_duration_seconds_count", flaky));

        JsonNode failures = server.get("/api/v1/analytics/failures?window=10m").json();
        JsonNode pattern = failures.path("patterns").get(0);
        assertThat(pattern.path("operation").asText()).isEqualTo("upload");
        assertThat(pattern.path("outcome").asText()).isEqualTo("failed");
        assertThat(pattern.path("reason").asText()).isEqualTo(reason);
        assertThat(pattern.path("count").asInt()).isEqualTo(failed);
        assertThat(failures.path("totals").path("failed").asInt()).isEqualTo(failed);
        JsonNode calls = server.get("/api/v1/analytics/performance?window=10m").json().path("storage_element_calls");
        assertThat(calls.findValues("errors").stream().mapToLong(JsonNode::asLong).sum()).isGreaterThanOrEqualTo(failed);
    }
}
