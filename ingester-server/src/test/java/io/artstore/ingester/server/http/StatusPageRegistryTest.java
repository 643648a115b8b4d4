package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The status page's file registry card: off, calm, a backlog, failures, and the last error escaped. */
class StatusPageRegistryTest {

    @Test
    void says_off_without_a_registry_and_not_reported_without_the_section() {
        ObjectNode status = Json.object();
        status.putObject("registry").put("enabled", false);

        assertThat(HtmlSections.inner(StatusPageRenderer.render(status), "registry-badge")).contains(">off<");
        assertThat(HtmlSections.inner(StatusPageRenderer.render(Json.object()), "registry-badge")).contains(">not reported<");
    }

    @Test
    void shows_the_backlog_its_age_and_the_last_error() {
        ObjectNode status = Json.object();
        ObjectNode registry = status.putObject("registry").put("enabled", true).put("pending", 42)
                .put("oldest_pending_age_seconds", 75).put("failed", 0).put("delivered", 900);
        registry.putObject("last_error").put("message", "cannot reach the admin module <at> http://admin:8000")
                .put("at", "2026-12-07T02:00:00Z");

        String page = StatusPageRenderer.render(status);

        assertThat(HtmlSections.inner(page, "registry-badge")).contains("text-bg-info", ">42 pending<");
        assertThat(HtmlSections.inner(page, "registry-counts"))
                .contains(">Pending</dt><dd class=\"col-4 text-end mb-1\">42</dd>")
                .contains(">Oldest pending, seconds</dt><dd class=\"col-4 text-end mb-1\">75</dd>")
                .contains(">Delivered since start</dt><dd class=\"col-4 text-end mb-1\">900</dd>");
        assertThat(HtmlSections.inner(page, "registry-last-error"))
                .isEqualTo("Last error (2026-12-07 02:00:00 UTC): cannot reach the admin module &lt;at&gt; http://admin:8000");
    }

    @Test
    void warns_when_calls_were_given_up() {
        ObjectNode status = Json.object();
        status.putObject("registry").put("enabled", true).put("pending", 0).put("failed", 2).put("delivered", 5)
                .putNull("last_error");

        String page = StatusPageRenderer.render(status);

        assertThat(HtmlSections.inner(page, "registry-badge")).contains("text-bg-warning", "Needs an operator: 2 failed");
        assertThat(HtmlSections.inner(page, "registry-last-error")).isEqualTo("No errors since start.");
    }
}
