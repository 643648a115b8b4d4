package io.artstore.ingester.server.http;

import static io.artstore.ingester.server.http.StatusDocuments.GIB;
import static io.artstore.ingester.server.http.StatusDocuments.JSON;
import static io.artstore.ingester.server.http.StatusDocuments.element;
import static io.artstore.ingester.server.http.StatusDocuments.embedded;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusPageRendererTest {

    private static final String HOSTILE = "<script>alert('x')</script>\"&";
    private static final String HOSTILE_ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;";

    @Test
    void fills_every_slot_of_the_template() {
        String page = StatusPageRenderer.render(embedded());

        assertThat(page).startsWith("<!doctype html>").doesNotContain("{{").doesNotContain("}}").doesNotContain("${");
    }

    @Test
    void shows_instance_version_and_uptime() {
        String page = StatusPageRenderer.render(embedded());

        assertThat(page)
                .contains(">artstore-ingester<", ">0.1.0<", ">ingester-7f3a<", ">embedded<", ">disabled<")
                .contains(">2 h 3 min<", "since 2026-11-25 22:00:00 UTC")
                .contains("<span id=\"generated-at\" data-live>2026-11-26 00:03:04 UTC</span>");
    }

    @Test
    void free_space_counts_a_shared_file_system_once_as_the_document_reports_it() {
        ObjectNode status = embedded();
        status.putObject("capacity").put("total", 500L * GIB).put("used", 120L * GIB).put("available", 380L * GIB)
                .put("file_systems", 1);
        assertThat(section(StatusPageRenderer.render(status), "summary")).contains(">380 GiB<").doesNotContain(">540 GiB<");

        status.remove("capacity");
        assertThat(section(StatusPageRenderer.render(status), "summary")).as("an older server: the elements added up")
                .contains(">540 GiB<");
    }

    @Test
    void counts_rejected_sagas_apart_from_compensated_ones() {
        ObjectNode status = embedded();
        status.withObjectProperty("sagas").put("rejected_since_start", 7);

        assertThat(section(StatusPageRenderer.render(status), "saga-counts"))
                .contains(">Rejected since start</dt><dd class=\"col-4 text-end mb-1\">7</dd>")
                .contains(">Compensated since start</dt><dd class=\"col-4 text-end mb-1\">3</dd>");
    }

    @Test
    void shows_overall_health_as_a_coloured_badge() {
        ObjectNode status = embedded();
        assertThat(StatusPageRenderer.render(status)).contains("<span class=\"badge text-bg-success\">Ready</span>");

        status.withObjectProperty("health").put("status", "not_ready");
        assertThat(StatusPageRenderer.render(status)).contains("<span class=\"badge text-bg-danger\">Not ready</span>");
    }

    @Test
    void shows_failing_health_checks_in_red() {
        ObjectNode status = embedded();
        status.withObjectProperty("health").withObjectProperty("checks").withObjectProperty("storage_elements").put("status", "fail");

        assertThat(section(StatusPageRenderer.render(status), "health-checks"))
                .contains("<span class=\"badge text-bg-danger\">fail</span>", "edit: 1 · rw: 1");
    }

    @Test
    void shows_each_storage_element_with_mode_priority_health_capacity_and_reservation() {
        String rows = section(StatusPageRenderer.render(embedded()), "storage-elements-rows");

        assertThat(rows.split("<tr>", -1)).hasSize(3);
        assertThat(rows)
                .contains(">local-edit<", "/srv/artstore/data/storage/local-edit", ">edit</span>", ">1</td>")
                .contains("<span class=\"badge text-bg-success\">healthy</span>")
                .contains("120 GiB of 500 GiB used (24.0 %) · 380 GiB free", "style=\"width: 24.0%\"", ">1.5 MiB</td>")
                .contains(">local-rw<", ">rw</span>", ">0 B</td>");
    }

    @Test
    void colours_the_capacity_bar_by_how_full_the_element_is() {
        String rows = section(StatusPageRenderer.render(embedded()), "storage-elements-rows");

        assertThat(rows).contains("progress-bar bg-success\" style=\"width: 24.0%\"")
                .contains("progress-bar bg-danger\" style=\"width: 92.0%\"");
    }

    @Test
    void computes_the_percentage_when_the_document_omits_it() {
        ObjectNode status = embedded();
        ((ObjectNode) status.withArrayProperty("storage_elements").get(0).path("capacity")).remove("percent_used");

        String rows = section(StatusPageRenderer.render(status), "storage-elements-rows");

        assertThat(rows).contains("used (24.0 %)");
    }

    @Test
    void flattens_nested_configuration_into_dotted_keys() {
        String rows = section(StatusPageRenderer.render(embedded()), "configuration-rows");

        assertThat(rows)
                .contains("<tr><th scope=\"row\"><code>server.port</code></th><td>8020</td></tr>")
                .contains("<code>upload.max_file_bytes</code></th><td>1073741824</td>")
                .contains("<code>auth.public_key_path</code></th><td>***</td>")
                .contains("<code>storage_elements[0].mode</code></th><td>edit</td>");
    }

    @Test
    void keeps_empty_and_null_configuration_values_visible() {
        ObjectNode node = JSON.createObjectNode();
        node.putObject("tls");
        node.putArray("peers");
        node.putNull("proxy");
        node.putObject("a").putObject("b").put("c", true);
        Map<String, String> flat = new LinkedHashMap<>();

        StatusPageRenderer.flatten("", node, flat);

        assertThat(flat).containsExactly(
                Map.entry("tls", "{}"), Map.entry("peers", "[]"), Map.entry("proxy", "null"), Map.entry("a.b.c", "true"));
    }

    @Test
    void escapes_hostile_values_everywhere_they_appear() {
        ObjectNode status = embedded();
        status.put("version", HOSTILE).put("instance_id", HOSTILE).put("started_at", HOSTILE);
        status.withObjectProperty("health").put("status", HOSTILE);
        status.withObjectProperty("health").withObjectProperty("checks").withObjectProperty("storage_elements").put("status", HOSTILE).put(HOSTILE, HOSTILE);
        status.withArrayProperty("storage_elements").add(element(HOSTILE, HOSTILE, 3, HOSTILE, HOSTILE, GIB, 0, GIB, 0, 0));
        status.withObjectProperty("configuration").put(HOSTILE, HOSTILE);

        String page = StatusPageRenderer.render(status);

        assertThat(page).doesNotContain("<script>", "alert('x')");
        assertThat(countOf(page, HOSTILE_ESCAPED)).isGreaterThanOrEqualTo(10);
    }

    @Test
    void never_expands_slot_names_found_in_values() {
        ObjectNode status = embedded();
        status.put("version", "{{summary}}");
        status.withObjectProperty("configuration").put("note", "{{configuration_rows}} $1 \\");

        String page = StatusPageRenderer.render(status);

        assertThat(page).contains(">{{summary}}<", "<td>{{configuration_rows}} $1 \\</td>");
    }

    @Test
    void renders_an_empty_document_with_placeholders() {
        String page = StatusPageRenderer.render(JSON.createObjectNode());

        assertThat(page)
                .doesNotContain("{{")
                .contains("<span class=\"badge text-bg-secondary\">Health unknown</span>")
                .contains("No storage elements reported.", "No configuration reported.", "No checks reported.")
                .contains("<span id=\"transfers-badge\" data-live><span class=\"badge text-bg-secondary\">not reported</span></span>")
                .contains("<span id=\"sagas-badge\" data-live><span class=\"badge text-bg-secondary\">not reported</span></span>")
                .contains("<dt class=\"col-sm-4\">Version</dt><dd class=\"col-sm-8\">—</dd>")
                .contains("start time unknown");
    }

    @Test
    void tolerates_partial_storage_elements_and_fields_of_the_wrong_type() {
        ObjectNode status = embedded();
        status.put("uptime_seconds", "soon");
        status.putObject("reservations");
        ObjectNode partial = status.withArrayProperty("storage_elements").addObject().put("id", "remote-1");
        partial.putObject("capacity").put("total", "lots");

        String page = StatusPageRenderer.render(status);

        String rows = section(page, "storage-elements-rows");
        assertThat(rows).contains(">remote-1<", ">unknown</span>", "<span class=\"text-body-secondary\">unknown</span>");
        assertThat(section(page, "summary")).contains("<div class=\"stat-label\">Uptime</div><div class=\"stat-value\">—</div>");
    }

    @Test
    void shows_circuit_breaker_state_when_later_versions_report_it() {
        ObjectNode status = embedded();
        ((ObjectNode) status.withArrayProperty("storage_elements").get(0)).putObject("circuit_breaker").put("state", "half_open");

        assertThat(section(StatusPageRenderer.render(status), "storage-elements-rows")).contains("circuit half_open");
    }

    @Test
    void shows_transfer_and_saga_counts_with_a_calm_badge_when_nothing_needs_an_operator() {
        String page = StatusPageRenderer.render(embedded());

        assertThat(section(page, "transfer-counts"))
                .contains("<dt class=\"col-8\">In flight</dt><dd class=\"col-4 text-end mb-1\">1</dd>")
                .contains(">Committed since start</dt><dd class=\"col-4 text-end mb-1\">12</dd>")
                .contains(">Aborted since start</dt><dd class=\"col-4 text-end mb-1\">1</dd>")
                .contains(">Heuristic since start</dt><dd class=\"col-4 text-end mb-1\">0</dd>");
        assertThat(section(page, "saga-counts"))
                .contains(">Running</dt><dd class=\"col-4 text-end mb-1\">2</dd>")
                .contains(">Failed compensation</dt><dd class=\"col-4 text-end mb-1\">0</dd>")
                .contains(">Completed since start</dt><dd class=\"col-4 text-end mb-1\">42</dd>")
                .contains(">Compensated since start</dt><dd class=\"col-4 text-end mb-1\">3</dd>")
                .contains(">Recovery failures since start</dt>");
        assertThat(section(page, "transfers-badge")).isEqualTo("<span class=\"badge text-bg-success\">OK</span>");
        assertThat(section(page, "sagas-badge")).isEqualTo("<span class=\"badge text-bg-success\">OK</span>");
    }

    @Test
    void warns_when_a_transfer_ended_heuristic() {
        ObjectNode status = embedded();
        status.withObjectProperty("transfers").put("heuristic", 2);

        String page = StatusPageRenderer.render(status);

        assertThat(section(page, "transfers-badge"))
                .isEqualTo("<span class=\"badge text-bg-warning\">Needs an operator: 2 heuristic</span>");
        assertThat(section(page, "sagas-badge")).contains(">OK<");
    }

    @Test
    void warns_when_a_saga_is_parked_in_failed_compensation() {
        ObjectNode status = embedded();
        status.withObjectProperty("sagas").put("failed_compensation", 1);

        String page = StatusPageRenderer.render(status);

        assertThat(section(page, "sagas-badge"))
                .isEqualTo("<span class=\"badge text-bg-warning\">Needs an operator: 1 failed compensation</span>");
        assertThat(section(page, "saga-counts")).contains(">Failed compensation</dt><dd class=\"col-4 text-end mb-1\">1</dd>");
        assertThat(section(page, "transfers-badge")).contains(">OK<");
    }

    @Test
    void says_not_reported_when_a_server_sends_no_transfer_or_saga_section() {
        ObjectNode status = embedded();
        status.remove("transfers");
        status.put("sagas", "disabled");

        String page = StatusPageRenderer.render(status);

        for (String badge : new String[] {"transfers-badge", "sagas-badge"}) {
            assertThat(section(page, badge)).isEqualTo("<span class=\"badge text-bg-secondary\">not reported</span>");
        }
        assertThat(section(page, "transfer-counts")).contains(">In flight</dt><dd class=\"col-4 text-end mb-1\">—</dd>")
                .doesNotContainPattern(">\\d+</dd>");
        assertThat(section(page, "saga-counts")).contains(">Running</dt><dd class=\"col-4 text-end mb-1\">—</dd>")
                .doesNotContain("disabled");
    }

    @Test
    void shows_counts_of_the_wrong_type_as_missing_and_never_as_markup() {
        ObjectNode status = embedded();
        status.withObjectProperty("transfers").put("in_flight", HOSTILE).put("committed", 2.5).put("heuristic", HOSTILE)
                .put(HOSTILE, 7);
        status.withObjectProperty("sagas").putNull("running").put("failed_compensation", "3");

        String page = StatusPageRenderer.render(status);

        String transfers = section(page, "transfer-counts");
        assertThat(transfers).contains(">In flight</dt><dd class=\"col-4 text-end mb-1\">—</dd>",
                ">Committed since start</dt><dd class=\"col-4 text-end mb-1\">—</dd>");
        assertThat(page).doesNotContain("alert(", "<script>");
        assertThat(section(page, "transfers-badge")).contains(">unknown<");
        assertThat(section(page, "saga-counts")).contains(">Running</dt><dd class=\"col-4 text-end mb-1\">—</dd>");
        assertThat(section(page, "sagas-badge")).as("a count sent as text is not trusted").contains(">unknown<");
    }

    @Test
    void summarises_elements_free_space_and_reservations() {
        String summary = section(StatusPageRenderer.render(embedded()), "summary");

        assertThat(summary).contains(">2<", "2 healthy · 1 edit · 1 rw", ">540 GiB<", ">1.5 MiB<");
    }

    @Test
    void links_stylesheets_and_script_that_exist_on_the_server_classpath() {
        String page = StatusPageRenderer.render(embedded());

        Matcher bootstrap = Pattern.compile("href=\"(/webjars/bootstrap/[0-9.]+/css/bootstrap\\.min\\.css)\"").matcher(page);
        assertThat(bootstrap.find()).as("Bootstrap stylesheet link in %s", page).isTrue();
        assertThat(resource("META-INF/resources" + bootstrap.group(1))).as(bootstrap.group(1)).isTrue();
        assertThat(page).contains("href=\"/static/status.css\"", "src=\"/static/status.js\"");
        assertThat(resource("io/artstore/ingester/web/static/status.css")).isTrue();
        assertThat(resource("io/artstore/ingester/web/static/status.js")).isTrue();
        assertThat(page).doesNotContain("https://", "http://");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0                   | 0 B
            1023                | 1023 B
            1024                | 1.0 KiB
            1536                | 1.5 KiB
            10240               | 10 KiB
            1048575             | 1024 KiB
            1073741824          | 1.0 GiB
            536870912000        | 500 GiB
            1649267441664       | 1.5 TiB
            9223372036854775807 | 8.0 EiB
            -1                  | —
            """)
    void writes_sizes_in_binary_units(long bytes, String expected) {
        assertThat(StatusPageRenderer.humanSize(bytes)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0       | 0 s
            59      | 59 s
            61      | 1 min 1 s
            7384    | 2 h 3 min
            90061   | 1 d 1 h
            """)
    void writes_uptime_in_its_two_largest_units(long seconds, String expected) {
        assertThat(StatusPageRenderer.humanDuration(seconds)).isEqualTo(expected);
    }

    private static String section(String page, String id) {
        return HtmlSections.inner(page, id);
    }

    private static int countOf(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    private static boolean resource(String name) {
        return StatusPageRendererTest.class.getClassLoader().getResource(name) != null;
    }
}
