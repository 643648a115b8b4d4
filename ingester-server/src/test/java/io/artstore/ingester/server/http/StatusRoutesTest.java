package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import org.junit.jupiter.api.Test;

class StatusRoutesTest {

    @Test
    void live_and_ready_answer_with_the_storage_elements() {
        try (TestServer server = TestServer.start()) {
            Reply live = server.get("/health/live");
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.json().path("status").asText()).isEqualTo("alive");
            assertThat(live.json().path("timestamp").asText()).isNotBlank();

            Reply ready = server.get("/health/ready");
            assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
            JsonNode json = ready.json();
            assertThat(json.path("status").asText()).isEqualTo("ready");
            assertThat(json.path("checks").path("storage_elements").path("status").asText()).isEqualTo("ok");
            assertThat(json.path("checks").path("storage_elements").path("edit").asInt()).isEqualTo(1);
            assertThat(json.path("checks").path("storage_elements").path("rw").asInt()).isEqualTo(1);
            assertThat(json.path("storage_elements").findValuesAsText("id")).containsExactlyInAnyOrder("local-edit", "local-rw");
            assertThat(json.path("storage_elements").findValuesAsText("health")).containsOnly("healthy");
        }
    }

    @Test
    void ready_is_503_when_no_element_takes_new_files() {
        try (TestServer server = TestServer.builder().yaml("""
                storage:
                  elements:
                    - id: archive-1
                      mode: ro
                      path: ${data}/storage/archive-1
                """).start()) {
            Reply ready = server.get("/health/ready");

            assertThat(ready.status()).as(ready.toString()).isEqualTo(503);
            assertThat(ready.json().path("status").asText()).isEqualTo("not_ready");
            assertThat(ready.json().path("checks").path("storage_elements").path("status").asText()).isEqualTo("fail");
            assertThat(ready.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void the_status_document_describes_the_service_and_masks_secrets() {
        try (TestServer server = TestServer.builder().env("INGESTER_AUTH_CLIENT_SECRET", "s3cret-value")
                .env("INGESTER_AUTH_CLIENT_ID", "sa_prod_ingester_0011aabb").start()) {
            Reply reply = server.get("/api/v1/status");

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).doesNotContain("s3cret-value");
            JsonNode json = reply.json();
            assertThat(json.path("service").asText()).isEqualTo("artstore-ingester");
            assertThat(json.path("version").asText()).isNotBlank().doesNotContain("${");
            assertThat(json.path("instance_id").asText()).isNotBlank();
            assertThat(json.path("started_at").asText()).isNotBlank();
            assertThat(json.path("uptime_seconds").isNumber()).isTrue();
            assertThat(json.path("deployment").asText()).isEqualTo("embedded");
            assertThat(json.path("auth").path("enabled").asBoolean()).isFalse();
            assertThat(json.path("health").path("status").asText()).isEqualTo("ready");
            assertThat(json.path("storage_elements")).hasSize(2);
            JsonNode element = json.path("storage_elements").get(0);
            assertThat(element.path("priority").asInt()).isEqualTo(100);
            assertThat(element.path("location").asText()).isNotBlank();
            assertThat(element.path("capacity").path("total").asLong()).isPositive();
            assertThat(element.path("capacity").has("percent_used")).isTrue();
            assertThat(element.path("reserved_bytes").asLong()).isZero();
            assertThat(json.path("reservations").path("outstanding_bytes").asLong()).isZero();
            JsonNode auth = json.path("configuration").path("auth");
            assertThat(auth.path("client_secret").asText()).isEqualTo("********");
            assertThat(auth.path("client_id").asText()).isEqualTo("sa_prod_ingester_0011aabb");
            assertThat(json.path("configuration").path("upload").path("max_file_size").asText()).isEqualTo("10GiB");
        }
    }

    @Test
    void the_status_page_is_html_and_unknown_routes_are_json_404() {
        try (TestServer server = TestServer.start()) {
            Reply page = server.get("/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(page.body()).contains("<html");

            Reply unknown = server.get("/api/v1/nothing-here");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.code()).isEqualTo("not_found");
            assertThat(unknown.json().path("message").asText()).contains("/api/v1/nothing-here");
        }
    }
}
