package io.artstore.ingester.server.http;

import static io.artstore.ingester.server.http.StatusDocuments.JSON;
import static io.artstore.ingester.server.http.StatusDocuments.embedded;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page's sections beyond the counts: probes, discovery, uploads in flight, samples, recent operations, alerts. */
class StatusPageSectionsTest {

    @Test
    void shows_both_probes_with_links_and_the_readiness_state() {
        ObjectNode status = embedded();
        status.withObjectProperty("health").put("status", "not_ready");

        String probes = HtmlSections.inner(StatusPageRenderer.render(status), "health-probes");

        assertThat(probes).contains("href=\"/health/live\"", ">alive<", "href=\"/health/ready\"",
                "<span class=\"badge text-bg-danger\">not_ready</span>");
    }

    @Test
    void names_the_source_of_the_storage_elements_static_redis_or_fallback() {
        assertThat(discovery(check("static"))).contains(">Static: from configuration<");
        assertThat(discovery(check("redis").put("since", "2026-11-26T00:00:00Z").put("source", "sentinel mymaster")))
                .contains("<span class=\"badge text-bg-success\">Redis</span>", "2026-11-26 00:00:00 UTC", "sentinel mymaster");
        assertThat(discovery(check("fallback").put("since", "2026-11-26T00:01:00Z").put("reason", "<b>connection refused</b>")))
                .contains("<span class=\"badge text-bg-warning\">Fallback: last set seen</span>", "2026-11-26 00:01:00 UTC",
                        "&lt;b&gt;connection refused&lt;/b&gt;")
                .doesNotContain("<b>");
        assertThat(discovery(JSON.createObjectNode())).contains("Not reported by this server.");
    }

    @Test
    void shows_uploads_in_flight_with_progress_rate_and_time_left() {
        ObjectNode status = embedded();
        ArrayNode uploads = status.putObject("uploads").put("in_flight", 2).putArray("uploads");
        uploads.addObject().put("id", "0123abcd").put("filename", "<i>scan</i>.tiff").put("state", "receiving")
                .put("offset", 256L * 1024 * 1024).put("length", 1024L * 1024 * 1024)
                .put("bytes_per_second", 10L * 1024 * 1024).put("eta_seconds", 76.8);
        uploads.addObject().put("id", "deferred").put("state", "receiving").put("offset", 5_000).putNull("length");

        String page = StatusPageRenderer.render(status);

        assertThat(HtmlSections.inner(page, "uploads-badge")).contains(">2 in flight<");
        String rows = HtmlSections.inner(page, "uploads-rows");
        assertThat(rows).contains("&lt;i&gt;scan&lt;/i&gt;.tiff", ">0123abcd<", "aria-valuenow=\"25.0\"", "style=\"width: 25.0%\"",
                "256 MiB of 1.0 GiB (25.0 %)", "10 MiB/s", "1 min 16 s", ">receiving<")
                .contains("4.9 KiB received, length not known yet", ">unnamed<")
                .doesNotContain("<i>");
    }

    @Test
    void says_when_no_upload_is_in_flight_or_the_server_does_not_report_them() {
        ObjectNode status = embedded();
        assertThat(HtmlSections.inner(StatusPageRenderer.render(status), "uploads-rows"))
                .contains("This server reports no resumable uploads.");

        status.putObject("uploads").put("in_flight", 0).putArray("uploads");
        String page = StatusPageRenderer.render(status);
        assertThat(HtmlSections.inner(page, "uploads-rows")).contains("No uploads in flight.");
        assertThat(HtmlSections.inner(page, "uploads-badge")).contains(">0 in flight<");
    }

    @Test
    void renders_the_samples_as_a_table_and_as_chart_columns_in_an_escaped_attribute() throws Exception {
        ObjectNode status = embedded();
        ArrayNode points = status.putObject("samples").put("interval_seconds", 5).putArray("points");
        points.addObject().put("at", "2026-11-26T00:00:00Z").put("uploads", 0).put("bytes", 0).put("bytes_per_second", 0)
                .putNull("latency_p50_ms").putNull("latency_p95_ms").putNull("latency_max_ms");
        points.addObject().put("at", "2026-11-26T00:00:05Z").put("uploads", 3).put("bytes", 15L * 1024 * 1024)
                .put("bytes_per_second", 3L * 1024 * 1024).put("latency_p50_ms", 40).put("latency_p95_ms", 120).put("latency_max_ms", 130);

        String samples = HtmlSections.inner(StatusPageRenderer.render(status), "samples");

        assertThat(samples).contains("3 upload requests, 15 MiB received; worst p95 latency 120 ms.")
                .contains("<td>2026-11-26 00:00:05 UTC</td><td class=\"text-end\">3</td><td class=\"text-end\">3.0 MiB/s</td>"
                        + "<td class=\"text-end\">40 ms</td><td class=\"text-end\">120 ms</td>");
        Matcher attribute = Pattern.compile("data-series=\"([^\"]*)\"").matcher(samples);
        assertThat(attribute.find()).isTrue();
        JsonNode series = JSON.readTree(attribute.group(1).replace("&quot;", "\"").replace("&amp;", "&"));
        long start = java.time.Instant.parse("2026-11-26T00:00:00Z").getEpochSecond();
        assertThat(series.path("t").toString()).isEqualTo("[" + start + "," + (start + 5) + "]");
        assertThat(series.path("mib_per_second").toString()).isEqualTo("[0.0,3.0]");
        assertThat(series.path("p50_ms").toString()).isEqualTo("[null,40.0]");
        assertThat(series.path("p95_ms").toString()).isEqualTo("[null,120.0]");
    }

    @Test
    void lists_recent_sagas_and_transfers_with_their_steps_in_words() {
        ObjectNode status = embedded();
        ObjectNode saga = status.putArray("recent_sagas").addObject().put("saga_id", "s-1").put("type", "add-file")
                .put("file_id", "f-1").put("state", "compensated").put("error", "<script>x</script>");
        saga.putArray("steps").add(step("reserve-space", "compensated")).add(step("stage-content", "failed"))
                .add(step("record-in-catalogue", "pending"));
        ObjectNode transfer = status.putArray("recent_transfers").addObject().put("transaction_id", "t-1").put("file_id", "f-2")
                .put("source", "local-edit").put("target", "local-rw").put("state", "committing").put("progress_percent", 70)
                .put("error", "");
        transfer.putArray("steps").add(step("prepare", "succeeded")).add(step("decide", "commit")).add(step("finish", "running"));

        String page = StatusPageRenderer.render(status);

        assertThat(HtmlSections.inner(page, "recent-sagas"))
                .contains(">add-file<", ">s-1<", ">f-1<", "<span class=\"badge text-bg-secondary\">compensated</span>")
                .contains("step-undone\">reserve-space: compensated<", "step-failed\">stage-content: failed<",
                        "step-pending\">record-in-catalogue: pending<", "&lt;script&gt;x&lt;/script&gt;")
                .doesNotContain("<script>");
        assertThat(HtmlSections.inner(page, "recent-transfers"))
                .contains("local-edit → local-rw", ">t-1<", "f-2", " · 70 %", "step-done\">prepare: succeeded<",
                        "step-done\">decide: commit<", "step-active\">finish: running<")
                .doesNotContain("text-danger");
    }

    @Test
    void says_none_yet_for_empty_lists_and_not_reported_for_missing_ones() {
        ObjectNode status = embedded();
        String missing = StatusPageRenderer.render(status);
        assertThat(HtmlSections.inner(missing, "recent-sagas")).contains("Not reported by this server.");
        assertThat(HtmlSections.inner(missing, "alerts-badge")).contains(">not reported<");

        status.putArray("recent_sagas");
        status.putArray("recent_transfers");
        status.putObject("alerts").put("total_since_start", 0).putArray("recent");
        String empty = StatusPageRenderer.render(status);
        assertThat(HtmlSections.inner(empty, "recent-sagas")).contains("No sagas since start.");
        assertThat(HtmlSections.inner(empty, "recent-transfers")).contains("No transfers since start.");
        assertThat(HtmlSections.inner(empty, "alerts")).contains("No alerts since start.");
        assertThat(HtmlSections.inner(empty, "alerts-badge")).contains("<span class=\"badge text-bg-success\">None</span>");
    }

    @Test
    void lists_alerts_by_kind_and_time_with_a_warning_badge() {
        ObjectNode status = embedded();
        ObjectNode alerts = status.putObject("alerts").put("total_since_start", 3);
        alerts.putArray("recent").addObject().put("time", "2026-11-26T00:02:00Z").put("alert", "suspicious_content")
                .put("file_id", "f-9");

        String page = StatusPageRenderer.render(status);

        assertThat(HtmlSections.inner(page, "alerts-badge")).contains("<span class=\"badge text-bg-warning\">3 since start</span>");
        assertThat(HtmlSections.inner(page, "alerts")).contains(">suspicious content<", "2026-11-26 00:02:00 UTC", "<code>f-9</code>");
    }

    @Test
    void the_upload_widget_is_hidden_until_a_script_shows_it_and_says_whether_a_token_is_needed() {
        ObjectNode status = embedded();
        String open = StatusPageRenderer.render(status);
        assertThat(open).containsPattern("<section id=\"upload-widget\"[^>]* hidden\\s")
                .contains("data-auth-enabled=\"false\"", "no token is needed");

        status.withObjectProperty("auth").put("enabled", true);
        String closed = StatusPageRenderer.render(status);
        assertThat(closed).contains("data-auth-enabled=\"true\"", "paste a token that may upload");
    }

    @Test
    void links_the_vendored_chart_and_upload_libraries_that_exist_on_the_classpath() {
        String page = StatusPageRenderer.render(embedded());

        for (String asset : new String[] {"vendor/uplot-1.6.32/uPlot.iife.min.js", "vendor/uplot-1.6.32/uPlot.min.css",
                "vendor/tus-js-client-4.3.1/tus.min.js"}) {
            assertThat(page).contains("\"/static/" + asset + "\"");
            assertThat(getClass().getClassLoader().getResource("io/artstore/ingester/web/static/" + asset)).as(asset).isNotNull();
        }
        assertThat(getClass().getClassLoader().getResource("io/artstore/ingester/web/static/vendor/uplot-1.6.32/LICENSE")).isNotNull();
        assertThat(getClass().getClassLoader().getResource("io/artstore/ingester/web/static/vendor/tus-js-client-4.3.1/LICENSE")).isNotNull();
    }

    private static ObjectNode check(String state) {
        return JSON.createObjectNode().put("status", state);
    }

    private static String discovery(ObjectNode check) {
        ObjectNode status = embedded();
        status.withObjectProperty("health").withObjectProperty("checks").set("service_discovery", check);
        return HtmlSections.inner(StatusPageRenderer.render(status), "discovery");
    }

    private static ObjectNode step(String name, String state) {
        return JSON.createObjectNode().put("name", name).put("state", state);
    }
}
