package io.artstore.ingester.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.security.Keys;
import io.artstore.ingester.server.security.Tokens;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} scraped before and after uploads, deletes, a transfer, refusals and authentication failures, each
 * scrape parsed by the strict {@link PrometheusText} parser: every metric is there and moved by what drives it. Two
 * remote storage elements (fixture SEs over HTTP), authentication on, {@code /metrics} behind {@code metrics:read}.
 */
class MetricsEndpointTest {

    @TempDir
    static Path root;

    private static RemoteElements remote;
    private static TestServer server;
    private static Keys keys;

    @BeforeAll
    static void start() {
        remote = new RemoteElements(root);
        remote.start("remote-edit", Mode.EDIT, 10, Transport.PLAIN);
        remote.start("remote-rw", Mode.RW, 10, Transport.PLAIN);
        keys = Keys.generate();
        Path keyFile = keys.writePublicPem(root.resolve("public_key.pem"));
        server = TestServer.builder().yaml(remote.yaml(""))
                .env("AUTH_ENABLED", "on").env("AUTH_PUBLIC_KEY_PATH", keyFile.toString())
                .env("INGESTER_ALERTS_AUTH_FAILURES_COUNT", "3")
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    private static String token(String role) {
        return Tokens.nimbus(keys, Tokens.claims(role, role + "-account"));
    }

    private static Reply send(String token, HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.send(request);
    }

    private static Reply get(String token, String path) {
        return send(token, HttpRequest.newBuilder(server.uri(path)).GET());
    }

    private static Reply upload(String token, Multipart form) {
        return send(token, HttpRequest.newBuilder(server.uri("/api/v1/files/upload")).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
    }

    private static PrometheusText scrape() {
        Reply reply = get(token("auditor"), "/metrics");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain; version=0.0.4");
        return PrometheusText.parse(reply.body());
    }

    @Test
    void metrics_need_the_metrics_read_permission_unless_public() {
        Reply anonymous = get(null, "/metrics");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.code()).isEqualTo("invalid_token");
        Reply user = get(token("user"), "/metrics");
        assertThat(user.status()).as(user.toString()).isEqualTo(403);
        for (String role : List.of("auditor", "operator", "admin")) {
            assertThat(get(token(role), "/metrics").status()).as(role).isEqualTo(200);
        }
        assertThat(get(null, "/api/v1/analytics/failures").status()).isEqualTo(401);
        assertThat(get(token("user"), "/api/v1/analytics/performance").status()).isEqualTo(403);
    }

    @Test
    void openmetrics_is_served_when_asked_for() {
        Reply reply = send(token("auditor"), HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0").GET());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type")).get().asString().startsWith("application/openmetrics-text");
        assertThat(reply.body()).contains("# TYPE artstore_operations counter").endsWith("# EOF\n");
    }

    @Test
    void every_metric_is_present_and_moved_by_the_operation_that_drives_it() {
        PrometheusText before = scrape();
        String operator = token("operator");
        Map<String, String> edit = Map.of("element", "remote-edit");

        // Two uploads in two size classes, one gzip-compressed; one refused; one whose checksum contradicts its bytes.
        JsonNode small = upload(operator, Multipart.form().field("target_mode", "edit").file("small.txt", Content.random(1000)))
                .json();
        Reply large = upload(operator, Multipart.form().field("target_mode", "edit").field("compress", "true")
                .field("compression_algorithm", "gzip").file("large.txt", "a".repeat(2 * 1024 * 1024).getBytes()));
        assertThat(large.status()).as(large.toString()).isEqualTo(201);
        Reply missing = upload(operator, Multipart.form().field("target_mode", "edit"));
        assertThat(missing.code()).isEqualTo("missing_file");
        Reply mismatch = upload(operator, Multipart.form().field("target_mode", "edit")
                .field("checksum", "0".repeat(64)).file("bad.txt", Content.random(1000)));
        assertThat(mismatch.code()).as(mismatch.toString()).isEqualTo("checksum_mismatch");
        // A delete and a transfer to rw, which ends committed.
        Reply deleted = send(operator, HttpRequest.newBuilder(server.uri("/api/v1/files/" + small.path("file_id").asText())).DELETE());
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        Reply transfer = send(operator, HttpRequest.newBuilder(server.uri("/api/v1/files/" + large.json().path("file_id").asText()
                + "/transfer")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(transfer.status()).as(transfer.toString()).isEqualTo(202);
        String tx = transfer.json().path("transaction_id").asText();
        TestServer.await("the transfer committed", () -> get(operator, "/api/v1/transfers/" + tx).json()
                .path("status").asText().equals("committed"));
        // The runner counts a transfer once its coordinator returns, a moment after the status says committed.
        TestServer.await("the committed transfer is counted", () -> scrape().sum("artstore_transfers_ended_total",
                Map.of("outcome", "committed")) > before.sum("artstore_transfers_ended_total", Map.of("outcome", "committed")));
        // Refusals: no token three times (an alert), a token without the right.
        for (int i = 0; i < 3; i++) {
            assertThat(upload(null, Multipart.form().field("target_mode", "edit").file("x.txt", Content.random(10))).status())
                    .isEqualTo(401);
        }
        assertThat(send(token("user"), HttpRequest.newBuilder(server.uri("/api/v1/files/" + large.json().path("file_id").asText()))
                .DELETE()).status()).isEqualTo(403);

        PrometheusText after = scrape();

        // Uploads: duration by size class, size histogram, stored bytes, by element, mode and compression.
        assertThat(after.family("artstore_upload_duration_seconds").orElseThrow().type()).isEqualTo("histogram");
        assertMoved(before, after, "artstore_upload_duration_seconds_count", Map.of("size_class", "under_1MiB",
                "element", "remote-edit", "mode", "edit", "compression", "none"), 1);
        assertMoved(before, after, "artstore_upload_duration_seconds_count", Map.of("size_class", "1MiB_10MiB",
                "element", "remote-edit", "mode", "edit", "compression", "gzip"), 1);
        assertThat(after.family("artstore_upload_size_bytes").orElseThrow().type()).isEqualTo("histogram");
        assertMoved(before, after, "artstore_upload_size_bytes_bucket", Map.of("compression", "none", "le", "1048576.0"), 1);
        assertMoved(before, after, "artstore_upload_size_bytes_bucket", Map.of("compression", "gzip", "le", "1048576.0"), 0);
        assertMoved(before, after, "artstore_upload_size_bytes_bucket", Map.of("compression", "gzip", "le", "1.048576E7"), 1);
        assertMoved(before, after, "artstore_upload_size_bytes_sum", Map.of(), 1000 + 2 * 1024 * 1024);
        assertThat(delta(before, after, "artstore_upload_stored_bytes_total", Map.of("compression", "gzip")))
                .isPositive().isLessThan(2 * 1024 * 1024);
        // Outcomes by reason.
        assertMoved(before, after, "artstore_operations_total", Map.of("operation", "upload", "outcome", "succeeded",
                "reason", "none", "element", "remote-edit"), 2);
        assertMoved(before, after, "artstore_operations_total", Map.of("operation", "upload", "outcome", "refused",
                "reason", "missing_file", "element", "none"), 1);
        assertMoved(before, after, "artstore_operations_total", Map.of("operation", "upload", "outcome", "refused",
                "reason", "checksum_mismatch"), 1);
        assertMoved(before, after, "artstore_operations_total", Map.of("operation", "delete", "outcome", "succeeded"), 1);
        assertMoved(before, after, "artstore_operations_total", Map.of("operation", "transfer", "outcome", "succeeded",
                "element", "remote-rw"), 1);
        assertMoved(before, after, "artstore_operation_duration_seconds_count", Map.of("operation", "delete"), 1);
        // Sagas and transactions.
        assertMoved(before, after, "artstore_sagas_started_total", Map.of("type", "add-file"), 3);
        assertMoved(before, after, "artstore_sagas_ended_total", Map.of("type", "add-file", "outcome", "completed"), 2);
        assertMoved(before, after, "artstore_sagas_ended_total", Map.of("type", "add-file", "outcome", "compensated"), 1);
        assertMoved(before, after, "artstore_sagas_ended_total", Map.of("type", "delete-file", "outcome", "completed"), 1);
        assertThat(delta(before, after, "artstore_saga_compensations_total", Map.of("type", "add-file", "outcome", "succeeded")))
                .isPositive();
        assertThat(after.matching("artstore_sagas", Map.of()).stream().map(s -> s.labels().get("state")))
                .containsExactlyInAnyOrder("running", "compensating", "failed_compensation");
        assertMoved(before, after, "artstore_transfers_ended_total", Map.of("outcome", "committed"), 1);
        assertThat(after.matching("artstore_transfers_ended_total", Map.of("outcome", "heuristic"))).hasSize(1);
        assertThat(after.sum("artstore_transfers_in_flight", Map.of())).isZero();
        // Storage elements: health, mode, breaker, capacity, reservations, call latency.
        assertThat(after.sum("artstore_storage_element_health", Map.of("element", "remote-edit", "state", "healthy"))).isEqualTo(1);
        assertThat(after.sum("artstore_storage_element_health", Map.of("element", "remote-edit", "state", "unavailable"))).isZero();
        assertThat(after.sum("artstore_storage_element_mode", Map.of("element", "remote-rw", "mode", "rw"))).isEqualTo(1);
        assertThat(after.sum("artstore_storage_element_breaker_state", Map.of("element", "remote-edit", "state", "closed")))
                .isEqualTo(1);
        assertThat(after.sum("artstore_storage_element_capacity_bytes", edit)).isPositive();
        assertThat(after.sum("artstore_storage_element_available_bytes", edit)).isPositive();
        assertThat(after.matching("artstore_storage_element_reserved_bytes", edit)).hasSize(1);
        assertThat(after.family("artstore_storage_element_call_duration_seconds").orElseThrow().type()).isEqualTo("histogram");
        assertMoved(before, after, "artstore_storage_element_call_duration_seconds_count", Map.of("element", "remote-edit",
                "call", "stage", "outcome", "succeeded"), 2);
        assertThat(delta(before, after, "artstore_storage_element_call_duration_seconds_count", Map.of("element", "remote-rw",
                "call", "publish_staged"))).isPositive();
        // Access decisions and alerts.
        assertMoved(before, after, "artstore_access_decisions_total", Map.of("decision", "unauthenticated",
                "permission", "files:upload"), 3);
        assertMoved(before, after, "artstore_access_decisions_total", Map.of("decision", "refused",
                "permission", "files:delete"), 1);
        assertThat(delta(before, after, "artstore_access_decisions_total", Map.of("decision", "allowed",
                "permission", "files:upload"))).isGreaterThanOrEqualTo(4);
        assertMoved(before, after, "artstore_security_alerts_total", Map.of("kind", "authentication_failures"), 1);
        assertThat(after.matching("artstore_security_alerts_total", Map.of("kind", "mass_delete"))).hasSize(1);
        // JVM, process and Jetty.
        // jvm_gc_pause_seconds appears with the first collection, which a short test may not see.
        assertThat(after.names()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
                "jvm_gc_memory_allocated_bytes_total",
                "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_count", "process_files_open_files",
                "process_uptime_seconds", "process_start_time_seconds", "jetty_threads_current", "jetty_threads_busy",
                "jetty_connections_current");
        assertThat(after.sum("jetty_connections_current", Map.of())).isPositive();
        assertThat(after.sum("process_uptime_seconds", Map.of())).isPositive();
        // No label holds a file id, a subject or a path.
        String fileId = large.json().path("file_id").asText();
        after.names().forEach(name -> after.family(name).orElseThrow().samples().forEach(sample ->
                assertThat(sample.labels().values()).as(sample.toString())
                        .noneMatch(value -> value.contains(fileId) || value.contains("/") || value.contains("account"))));
    }

    @Test
    void the_analytics_exports_count_failures_and_time_operations() {
        String operator = token("operator");
        for (int i = 0; i < 2; i++) {
            assertThat(upload(operator, Multipart.form().field("target_mode", "edit").file("f.txt", Content.random(500))).status())
                    .isEqualTo(201);
        }
        assertThat(upload(operator, Multipart.form().field("target_mode", "edit")).code()).isEqualTo("missing_file");

        Reply failures = get(token("auditor"), "/api/v1/analytics/failures?window=15m&bucket=1m");
        assertThat(failures.status()).as(failures.toString()).isEqualTo(200);
        JsonNode body = failures.json();
        assertThat(body.path("window").path("seconds").asLong()).isEqualTo(900);
        assertThat(body.path("totals").path("refused").asLong()).isGreaterThanOrEqualTo(1);
        JsonNode pattern = find(body.path("patterns"), "reason", "missing_file");
        assertThat(pattern.path("operation").asText()).isEqualTo("upload");
        assertThat(pattern.path("outcome").asText()).isEqualTo("refused");
        assertThat(pattern.path("element").asText()).isEqualTo("none");
        assertThat(pattern.path("count").asLong()).isGreaterThanOrEqualTo(1);
        JsonNode upload = find(body.path("by_operation"), "operation", "upload");
        assertThat(upload.path("succeeded").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(upload.path("failure_ratio").asDouble()).isBetween(0.0, 1.0).isPositive();
        JsonNode buckets = body.path("series").path("buckets");
        assertThat(buckets).hasSize(15);
        assertThat(StreamSupport.stream(buckets.spliterator(), false)
                .mapToLong(b -> b.path("by_reason").path("missing_file").asLong(0)).sum())
                .isEqualTo(pattern.path("count").asLong());

        Reply performance = get(token("auditor"), "/api/v1/analytics/performance?window=1h");
        assertThat(performance.status()).as(performance.toString()).isEqualTo(200);
        JsonNode uploads = find(performance.json().path("operations"), "operation", "upload");
        assertThat(uploads.path("succeeded").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(uploads.path("per_second").asDouble()).isPositive();
        assertThat(uploads.path("bytes").asLong()).isGreaterThanOrEqualTo(1000);
        JsonNode latency = uploads.path("latency_seconds");
        assertThat(latency.path("p50").asDouble()).isPositive().isLessThanOrEqualTo(latency.path("p95").asDouble());
        assertThat(latency.path("p99").asDouble()).isLessThanOrEqualTo(latency.path("max").asDouble());
        JsonNode element = find(performance.json().path("elements"), "element", "remote-edit");
        assertThat(element.path("operation").asText()).isNotEmpty();
        JsonNode store = StreamSupport.stream(performance.json().path("storage_element_calls").spliterator(), false)
                .filter(row -> row.path("element").asText().equals("remote-edit") && row.path("call").asText().equals("stage"))
                .findFirst().orElseThrow();
        assertThat(store.path("count").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(store.path("latency_seconds").path("p50").asDouble()).isPositive();

        Reply bad = get(token("auditor"), "/api/v1/analytics/failures?window=forever");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("invalid_window");
        Reply tooFine = get(token("auditor"), "/api/v1/analytics/failures?window=7d&bucket=1m");
        assertThat(tooFine.status()).isEqualTo(400);
        assertThat(tooFine.code()).isEqualTo("invalid_bucket");
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        return StreamSupport.stream(array.spliterator(), false).filter(row -> row.path(field).asText().equals(value))
                .findFirst().orElseThrow(() -> new AssertionError("no row with " + field + "=" + value + " in " + array));
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        assertThat(after.matching(name, labels)).as("series %s%s after the operations", name, labels).isNotEmpty();
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private static void assertMoved(PrometheusText before, PrometheusText after, String name, Map<String, String> labels,
            double by) {
        assertThat(delta(before, after, name, labels)).as("%s%s", name, labels).isEqualTo(by);
    }
}
