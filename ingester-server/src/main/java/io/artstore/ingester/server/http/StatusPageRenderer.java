package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the status page (the {@code ingester-web} template) from the document of {@code GET /api/v1/status}.
 *
 * <p>Every value taken from the document is HTML-escaped, and values are never matched against slot names
 * again, so a storage element called {@code <script>} or a configuration value holding a slot name shows
 * as text. Missing fields render as a dash: the document grows over time and older or newer servers
 * must not break the page. This class is the page's one renderer: {@code status.js} refreshes the page by fetching it
 * again and swapping the regions marked {@code data-live}, and draws its charts from the samples rendered here.
 */
public final class StatusPageRenderer {

    static final String TEMPLATE_RESOURCE = "io/artstore/ingester/web/status.html";

    private static final Pattern SLOT = Pattern.compile("\\{\\{([a-z_]+)}}");
    private static final String MISSING = "—";
    private static final String[] SIZE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    private static final DateTimeFormatter TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The counts of the {@code transfers} section, in the order shown, with their labels. */
    private static final String[][] TRANSFER_COUNTS = {
        {"in_flight", "In flight"},
        {"committed", "Committed since start"},
        {"aborted", "Aborted since start"},
        {"heuristic", "Heuristic since start"},
    };

    /** The counts of the {@code sagas} section, in the order shown, with their labels. */
    private static final String[][] SAGA_COUNTS = {
        {"running", "Running"},
        {"compensating", "Compensating"},
        {"failed_compensation", "Failed compensation"},
        {"completed_since_start", "Completed since start"},
        {"compensated_since_start", "Compensated since start"},
        {"rejected_since_start", "Rejected since start"},
        {"parked_since_start", "Parked since start"},
        {"recovery_failures_since_start", "Recovery failures since start"},
    };

    /** The counts of the {@code registry} section, in the order shown, with their labels. */
    private static final String[][] REGISTRY_COUNTS = {
        {"pending", "Pending"},
        {"oldest_pending_age_seconds", "Oldest pending, seconds"},
        {"failed", "Failed"},
        {"delivered", "Delivered since start"},
    };

    private static final String TEMPLATE = loadTemplate();

    private StatusPageRenderer() {
    }

    /** The complete page for one status document. */
    public static String render(JsonNode status) {
        Objects.requireNonNull(status, "status");
        Map<String, String> slots = new LinkedHashMap<>();
        slots.put("health_badge", healthBadge(status.path("health")));
        slots.put("summary", summary(status));
        slots.put("instance_facts", instanceFacts(status));
        slots.put("health_checks", healthChecks(status.path("health").path("checks")));
        slots.put("health_probes", healthProbes(status.path("health")));
        slots.put("discovery", discovery(status.path("health").path("checks").path("service_discovery")));
        slots.put("uploads_badge", uploadsBadge(status.path("uploads")));
        slots.put("uploads_rows", uploadsRows(status.path("uploads")));
        slots.put("auth_enabled", Boolean.toString(status.path("auth").path("enabled").asBoolean(false)));
        slots.put("upload_token_help", escape(status.path("auth").path("enabled").asBoolean(false)
                ? "Authentication is on: paste a token that may upload (files:upload)."
                : "Authentication is off on this instance: no token is needed."));
        slots.put("samples", samples(status.path("samples")));
        slots.put("recent_sagas", recentSagas(status.path("recent_sagas")));
        slots.put("recent_transfers", recentTransfers(status.path("recent_transfers")));
        slots.put("alerts_badge", alertsBadge(status.path("alerts")));
        slots.put("alerts", alerts(status.path("alerts")));
        slots.put("transfers_badge", attentionBadge(status.path("transfers"), "heuristic", "heuristic"));
        slots.put("transfer_counts", counts(status.path("transfers"), TRANSFER_COUNTS));
        slots.put("sagas_badge", attentionBadge(status.path("sagas"), "failed_compensation", "failed compensation"));
        slots.put("saga_counts", counts(status.path("sagas"), SAGA_COUNTS));
        slots.put("registry_badge", registryBadge(status.path("registry")));
        slots.put("registry_counts", counts(status.path("registry"), REGISTRY_COUNTS));
        slots.put("registry_last_error", escape(registryLastError(status.path("registry"))));
        slots.put("storage_elements_rows", storageElementRows(status.path("storage_elements")));
        slots.put("configuration_rows", configurationRows(status.path("configuration")));
        slots.put("generated_at", escape(text(status.path("health").path("timestamp"))
                .map(StatusPageRenderer::formatTime)
                .orElseGet(() -> TIME_FORMAT.format(Instant.now()))));
        return fill(slots);
    }

    // --- Sections; status.js mirrors each of them ---

    private static String healthBadge(JsonNode health) {
        Optional<String> state = text(health.path("status"));
        String label = state.map(s -> switch (s) {
            case "ready" -> "Ready";
            case "not_ready" -> "Not ready";
            default -> s;
        }).orElse("Health unknown");
        return badge(state.map(StatusPageRenderer::toneOf).orElse("secondary"), label);
    }

    private static String summary(JsonNode status) {
        JsonNode elements = status.path("storage_elements");
        int count = 0;
        int healthy = 0;
        Map<String, Integer> byMode = new LinkedHashMap<>();
        long available = 0;
        for (JsonNode element : iterable(elements)) {
            count++;
            if (text(element.path("health")).filter("healthy"::equals).isPresent()) {
                healthy++;
            }
            byMode.merge(text(element.path("mode")).orElse("unknown"), 1, Integer::sum);
            available += number(element.path("capacity").path("available")).orElse(0);
        }
        List<String> modes = new ArrayList<>();
        byMode.forEach((mode, n) -> modes.add(n + " " + mode));
        String elementsNote = count == 0 ? "none reported" : healthy + " healthy · " + String.join(" · ", modes);
        // Each file system once (local elements may share one); the sum is for servers that do not report it.
        OptionalLong free = number(status.path("capacity").path("available"));
        if (free.isPresent()) {
            available = free.getAsLong();
        }
        OptionalLong reserved = number(status.path("reservations").path("outstanding_bytes"));
        OptionalLong uptime = number(status.path("uptime_seconds"));
        return statCard("Storage elements", Integer.toString(count), elementsNote)
                + statCard("Free space", count == 0 ? MISSING : humanSize(available), "over all storage elements, each file system once")
                + statCard("Reserved", reserved.isPresent() ? humanSize(reserved.getAsLong()) : MISSING,
                        "for uploads in flight")
                + statCard("Uptime", uptime.isPresent() ? humanDuration(uptime.getAsLong()) : MISSING,
                        text(status.path("started_at")).map(t -> "since " + formatTime(t)).orElse("start time unknown"));
    }

    private static String instanceFacts(JsonNode status) {
        JsonNode auth = status.path("auth").path("enabled");
        String authentication = auth.isBoolean() ? (auth.booleanValue() ? "enabled" : "disabled") : MISSING;
        return fact("Service", text(status.path("service")).orElse(MISSING))
                + fact("Version", text(status.path("version")).orElse(MISSING))
                + fact("Instance", text(status.path("instance_id")).orElse(MISSING))
                + fact("Deployment", text(status.path("deployment")).orElse(MISSING))
                + fact("Authentication", authentication)
                + fact("Started", text(status.path("started_at")).map(StatusPageRenderer::formatTime).orElse(MISSING));
    }

    private static String healthChecks(JsonNode checks) {
        StringBuilder html = new StringBuilder();
        for (Map.Entry<String, JsonNode> check : checks.properties()) {
            JsonNode body = check.getValue();
            Optional<String> state = text(body.path("status")).or(() -> text(body));
            List<String> details = new ArrayList<>();
            if (body.isObject()) {
                for (Map.Entry<String, JsonNode> detail : body.properties()) {
                    if (!detail.getKey().equals("status")) {
                        details.add(detail.getKey() + ": " + text(detail.getValue()).orElse(MISSING));
                    }
                }
            }
            html.append("<li class=\"d-flex justify-content-between align-items-start gap-2 py-1\"><div><div class=\"fw-medium\">")
                    .append(escape(check.getKey().replace('_', ' ')))
                    .append("</div><div class=\"small text-body-secondary\">")
                    .append(escape(details.isEmpty() ? "" : String.join(" · ", details)))
                    .append("</div></div>")
                    .append(badge(state.map(StatusPageRenderer::toneOf).orElse("secondary"), state.orElse("unknown")))
                    .append("</li>");
        }
        return html.isEmpty() ? "<li class=\"text-body-secondary\">No checks reported.</li>" : html.toString();
    }

    private static String storageElementRows(JsonNode elements) {
        StringBuilder html = new StringBuilder();
        for (JsonNode element : iterable(elements)) {
            Optional<String> health = text(element.path("health"));
            Optional<String> circuit = text(element.path("circuit_breaker").path("state")).or(() -> text(element.path("circuit_breaker")));
            OptionalLong reserved = number(element.path("reserved_bytes"));
            html.append("<tr><td><div class=\"fw-semibold\">").append(escape(text(element.path("id")).orElse(MISSING)))
                    .append("</div><div class=\"small text-body-secondary element-location\">")
                    .append(escape(text(element.path("location")).orElse("")))
                    .append("</div></td><td>")
                    .append(text(element.path("mode")).map(mode -> badge("primary-subtle", mode)).orElse(MISSING))
                    .append("</td><td class=\"text-end\">").append(escape(text(element.path("priority")).orElse(MISSING)))
                    .append("</td><td>").append(badge(health.map(StatusPageRenderer::toneOf).orElse("secondary"), health.orElse("unknown")))
                    .append(circuit.map(state -> " <span class=\"small text-body-secondary\">circuit " + escape(state) + "</span>").orElse(""))
                    .append(tlsFailure(element.path("tls")))
                    .append("</td><td class=\"capacity\">").append(capacity(element.path("capacity")))
                    .append("</td><td class=\"text-end\">").append(reserved.isPresent() ? humanSize(reserved.getAsLong()) : MISSING)
                    .append("</td></tr>");
        }
        return html.isEmpty()
                ? "<tr><td class=\"text-center text-body-secondary py-4\" colspan=\"6\">No storage elements reported.</td></tr>"
                : html.toString();
    }

    /** Why the element's last TLS handshake failed, with the full message on hover; nothing while handshakes succeed. */
    private static String tlsFailure(JsonNode tls) {
        Optional<String> reason = text(tls.path("reason"));
        if (reason.isEmpty()) {
            return "";
        }
        return "<div class=\"small text-danger tls-failure\" title=\"" + escape(text(tls.path("message")).orElse(""))
                + "\">TLS handshake failed: " + escape(reason.get().replace('_', ' ')) + "</div>";
    }

    /**
     * A warning when the count that needs an operator (heuristic transfers, sagas parked in failed compensation) is
     * above zero; neutral when the section is missing, as from a server that does not report it.
     */
    private static String attentionBadge(JsonNode section, String key, String what) {
        if (!section.isObject()) {
            return badge("secondary", "not reported");
        }
        OptionalLong count = count(section.path(key));
        if (count.isPresent() && count.getAsLong() > 0) {
            return badge("warning", "Needs an operator: " + count.getAsLong() + " " + what);
        }
        return badge(count.isPresent() ? "success" : "secondary", count.isPresent() ? "OK" : "unknown");
    }

    /** Off without a registry; a warning for failed calls; the backlog while calls wait; else OK. */
    private static String registryBadge(JsonNode registry) {
        if (!registry.isObject()) {
            return badge("secondary", "not reported");
        }
        if (!registry.path("enabled").asBoolean(false)) {
            return badge("secondary", "off");
        }
        OptionalLong failed = count(registry.path("failed"));
        if (failed.isPresent() && failed.getAsLong() > 0) {
            return badge("warning", "Needs an operator: " + failed.getAsLong() + " failed");
        }
        OptionalLong pending = count(registry.path("pending"));
        if (pending.isPresent() && pending.getAsLong() > 0) {
            return badge("info", pending.getAsLong() + " pending");
        }
        return badge("success", "OK");
    }

    private static String registryLastError(JsonNode registry) {
        JsonNode error = registry.path("last_error");
        return text(error.path("message"))
                .map(message -> "Last error" + text(error.path("at")).map(at -> " (" + formatTime(at) + ")").orElse("") + ": " + message)
                .orElse(registry.path("enabled").asBoolean(false) ? "No errors since start." : "");
    }

    private static String counts(JsonNode section, String[][] labels) {
        StringBuilder html = new StringBuilder();
        for (String[] label : labels) {
            OptionalLong count = count(section.path(label[0]));
            html.append("<dt class=\"col-8\">").append(escape(label[1])).append("</dt><dd class=\"col-4 text-end mb-1\">")
                    .append(count.isPresent() ? Long.toString(count.getAsLong()) : MISSING).append("</dd>");
        }
        return html.toString();
    }

    private static String capacity(JsonNode capacity) {
        OptionalLong total = number(capacity.path("total"));
        OptionalLong used = number(capacity.path("used"));
        OptionalLong available = number(capacity.path("available"));
        if (total.isEmpty() || used.isEmpty()) {
            return "<span class=\"text-body-secondary\">unknown</span>";
        }
        OptionalDouble reported = decimal(capacity.path("percent_used"));
        double percent = reported.isPresent() ? reported.getAsDouble()
                : total.getAsLong() == 0 ? 0 : 100.0 * used.getAsLong() / total.getAsLong();
        percent = Math.max(0, Math.min(100, percent));
        String tone = percent >= 90 ? "danger" : percent >= 75 ? "warning" : "success";
        String percentText = String.format(Locale.ROOT, "%.1f", percent);
        return "<div class=\"progress\" role=\"progressbar\" aria-label=\"Capacity used\" aria-valuemin=\"0\" aria-valuemax=\"100\" aria-valuenow=\""
                + percentText + "\"><div class=\"progress-bar bg-" + tone + "\" style=\"width: " + percentText + "%\"></div></div>"
                + "<div class=\"small text-body-secondary mt-1\">" + humanSize(used.getAsLong()) + " of " + humanSize(total.getAsLong())
                + " used (" + percentText + " %)"
                + (available.isPresent() ? " · " + humanSize(available.getAsLong()) + " free" : "") + "</div>";
    }

    private static String configurationRows(JsonNode configuration) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", configuration, flat);
        StringBuilder html = new StringBuilder();
        flat.forEach((key, value) -> html.append("<tr><th scope=\"row\"><code>").append(escape(key))
                .append("</code></th><td>").append(escape(value)).append("</td></tr>"));
        return html.isEmpty()
                ? "<tr><td class=\"text-body-secondary\" colspan=\"2\">No configuration reported.</td></tr>"
                : html.toString();
    }

    /** Nested keys joined with dots, list items as {@code [i]}; empty containers kept so that they show. */
    static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject() && !node.isEmpty()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), into);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), into);
            }
        } else if (!prefix.isEmpty() && !node.isMissingNode()) {
            into.put(prefix, node.isObject() ? "{}" : node.isArray() ? "[]" : node.isNull() ? "null" : node.asText());
        }
    }

    /** The two probes a load balancer or orchestrator calls, as this document saw them. */
    private static String healthProbes(JsonNode health) {
        Optional<String> ready = text(health.path("status"));
        // The page itself was served, so the process is alive.
        return probe("Liveness", "/health/live", "alive", "success")
                + probe("Readiness", "/health/ready", ready.orElse("unknown"), ready.map(StatusPageRenderer::toneOf).orElse("secondary"));
    }

    private static String probe(String name, String path, String state, String tone) {
        return "<li class=\"d-flex justify-content-between align-items-center gap-2 py-1\"><div><span class=\"fw-medium\">"
                + escape(name) + "</span> <a class=\"small\" href=\"" + escape(path) + "\"><code>" + escape(path)
                + "</code></a></div>" + badge(tone, state) + "</li>";
    }

    /** Where the storage elements come from: live from Redis, its fallback on the last set seen, or configuration. */
    private static String discovery(JsonNode check) {
        Optional<String> state = text(check.path("status"));
        if (state.isEmpty()) {
            return "<p class=\"text-body-secondary mb-0\">Not reported by this server.</p>";
        }
        String label = switch (state.get()) {
            case "redis" -> "Redis";
            case "fallback" -> "Fallback: last set seen";
            case "static" -> "Static: from configuration";
            default -> state.get();
        };
        String explanation = switch (state.get()) {
            case "redis" -> "The storage elements are read live from service discovery.";
            case "fallback" -> "Redis cannot be reached: the last set of storage elements seen is in use until it returns.";
            case "static" -> "No service discovery is configured; the storage elements are the configured ones.";
            default -> "";
        };
        StringBuilder html = new StringBuilder("<p class=\"mb-2\"><span class=\"visually-hidden\">Source: </span>")
                .append(badge(toneOf(state.get()), label)).append("</p>");
        if (!explanation.isEmpty()) {
            html.append("<p class=\"small mb-2\">").append(escape(explanation)).append("</p>");
        }
        html.append("<dl class=\"row mb-0 facts small\">");
        text(check.path("since")).ifPresent(since -> html.append(fact("Since", formatTime(since))));
        text(check.path("source")).ifPresent(source -> html.append(fact("Read from", source)));
        text(check.path("reason")).ifPresent(reason -> html.append(fact("Reason", reason)));
        return html.append("</dl>").toString();
    }

    /**
     * The resumable uploads in flight. Accepts the section as a list, or as an object holding the list under
     * {@code uploads}, {@code in_flight} or {@code items}.
     */
    private static Optional<JsonNode> uploadList(JsonNode uploads) {
        if (uploads.isArray()) {
            return Optional.of(uploads);
        }
        for (String key : new String[] {"uploads", "in_flight", "items"}) {
            if (uploads.path(key).isArray()) {
                return Optional.of(uploads.path(key));
            }
        }
        return Optional.empty();
    }

    private static String uploadsBadge(JsonNode uploads) {
        Optional<JsonNode> list = uploadList(uploads);
        if (list.isEmpty()) {
            return badge("secondary", "not reported");
        }
        return badge(list.get().isEmpty() ? "secondary" : "info", list.get().size() + " in flight");
    }

    private static String uploadsRows(JsonNode uploads) {
        Optional<JsonNode> list = uploadList(uploads);
        if (list.isEmpty()) {
            return "<tr><td class=\"text-center text-body-secondary py-3\" colspan=\"5\">This server reports no resumable uploads.</td></tr>";
        }
        StringBuilder html = new StringBuilder();
        for (JsonNode upload : list.get()) {
            String id = text(upload.path("id")).or(() -> text(upload.path("upload_id"))).orElse(MISSING);
            Optional<String> name = text(upload.path("filename")).or(() -> text(upload.path("metadata").path("filename")));
            OptionalLong offset = number(upload.path("offset"));
            OptionalLong length = number(upload.path("length"));
            OptionalLong rate = number(upload.path("bytes_per_second"));
            OptionalLong eta = number(upload.path("eta_seconds"));
            html.append("<tr><td><div class=\"fw-semibold upload-name\">").append(escape(name.orElse("unnamed")))
                    .append("</div><div class=\"small text-body-secondary upload-id\">").append(escape(id)).append("</div></td><td class=\"capacity\">")
                    .append(uploadProgress(offset, length))
                    .append("</td><td class=\"text-end\">").append(rate.isPresent() ? humanSize(rate.getAsLong()) + "/s" : MISSING)
                    .append("</td><td class=\"text-end\">").append(eta.isPresent() ? humanDuration(eta.getAsLong()) : MISSING)
                    .append("</td><td>").append(text(upload.path("state")).map(state -> badge(toneOf(state), state)).orElse(MISSING))
                    .append("</td></tr>");
        }
        return html.isEmpty()
                ? "<tr><td class=\"text-center text-body-secondary py-3\" colspan=\"5\">No uploads in flight.</td></tr>"
                : html.toString();
    }

    private static String uploadProgress(OptionalLong offset, OptionalLong length) {
        if (offset.isEmpty()) {
            return "<span class=\"text-body-secondary\">unknown</span>";
        }
        if (length.isEmpty() || length.getAsLong() <= 0) {
            return "<div class=\"small\">" + humanSize(offset.getAsLong()) + " received, length not known yet</div>";
        }
        double percent = Math.max(0, Math.min(100, 100.0 * offset.getAsLong() / length.getAsLong()));
        String percentText = String.format(Locale.ROOT, "%.1f", percent);
        return "<div class=\"progress\" role=\"progressbar\" aria-label=\"Upload received\" aria-valuemin=\"0\" aria-valuemax=\"100\" aria-valuenow=\""
                + percentText + "\"><div class=\"progress-bar\" style=\"width: " + percentText + "%\"></div></div>"
                + "<div class=\"small text-body-secondary mt-1\">" + humanSize(offset.getAsLong()) + " of "
                + humanSize(length.getAsLong()) + " (" + percentText + " %)</div>";
    }

    /**
     * The samples as text and as a table (the charts' accessible twin, and what shows without JavaScript), and as
     * the columns the charts draw, in an attribute that status.js reads.
     */
    private static String samples(JsonNode samples) {
        List<JsonNode> points = new ArrayList<>();
        iterable(samples.path("points")).forEach(points::add);
        ObjectNode series = Json.object();
        ArrayNode times = series.putArray("t");
        ArrayNode throughput = series.putArray("mib_per_second");
        ArrayNode p50 = series.putArray("p50_ms");
        ArrayNode p95 = series.putArray("p95_ms");
        for (JsonNode point : points) {
            Optional<Instant> at = text(point.path("at")).flatMap(StatusPageRenderer::instant);
            if (at.isEmpty()) {
                continue;
            }
            times.add(at.get().getEpochSecond());
            OptionalDouble rate = decimal(point.path("bytes_per_second"));
            if (rate.isPresent()) {
                throughput.add(Math.round(rate.getAsDouble() / 1024 / 1024 * 1000) / 1000.0);
            } else {
                throughput.addNull();
            }
            addOrNull(p50, decimal(point.path("latency_p50_ms")));
            addOrNull(p95, decimal(point.path("latency_p95_ms")));
        }
        StringBuilder html = new StringBuilder("<div id=\"samples-series\" hidden data-series=\"")
                .append(escape(series.toString())).append("\"></div>");
        if (points.isEmpty()) {
            return html.append("<p class=\"small text-body-secondary mb-0\">No samples reported.</p>").toString();
        }
        long uploads = 0;
        long bytes = 0;
        OptionalLong worstP95 = OptionalLong.empty();
        for (JsonNode point : points) {
            uploads += count(point.path("uploads")).orElse(0);
            bytes += number(point.path("bytes")).orElse(0);
            OptionalLong p = number(point.path("latency_p95_ms"));
            if (p.isPresent() && (worstP95.isEmpty() || p.getAsLong() > worstP95.getAsLong())) {
                worstP95 = p;
            }
        }
        html.append("<p class=\"mb-2\" id=\"samples-summary\">").append(uploads).append(uploads == 1 ? " upload request, " : " upload requests, ")
                .append(humanSize(bytes)).append(" received")
                .append(worstP95.isPresent() ? "; worst p95 latency " + worstP95.getAsLong() + " ms" : "").append(".</p>");
        html.append("<details><summary class=\"small\">Samples as a table (the last 12 with uploads)</summary>")
                .append("<table class=\"table table-sm mb-0 samples-table\"><thead><tr><th scope=\"col\">Interval from</th>")
                .append("<th scope=\"col\" class=\"text-end\">Uploads</th><th scope=\"col\" class=\"text-end\">Throughput</th>")
                .append("<th scope=\"col\" class=\"text-end\">p50</th><th scope=\"col\" class=\"text-end\">p95</th></tr></thead><tbody>");
        List<JsonNode> busy = new ArrayList<>(points.stream().filter(point -> count(point.path("uploads")).orElse(0) > 0).toList());
        java.util.Collections.reverse(busy);
        for (JsonNode point : busy.subList(0, Math.min(12, busy.size()))) {
            html.append("<tr><td>").append(escape(text(point.path("at")).map(StatusPageRenderer::formatTime).orElse(MISSING)))
                    .append("</td><td class=\"text-end\">").append(count(point.path("uploads")).orElse(0))
                    .append("</td><td class=\"text-end\">").append(number(point.path("bytes_per_second")).stream()
                            .mapToObj(rate -> humanSize(rate) + "/s").findFirst().orElse(MISSING))
                    .append("</td><td class=\"text-end\">").append(millis(point.path("latency_p50_ms")))
                    .append("</td><td class=\"text-end\">").append(millis(point.path("latency_p95_ms"))).append("</td></tr>");
        }
        if (busy.isEmpty()) {
            html.append("<tr><td colspan=\"5\" class=\"text-body-secondary\">No uploads in the last samples.</td></tr>");
        }
        return html.append("</tbody></table></details>").toString();
    }

    private static String millis(JsonNode node) {
        OptionalLong value = number(node);
        return value.isPresent() ? value.getAsLong() + " ms" : MISSING;
    }

    private static void addOrNull(ArrayNode array, OptionalDouble value) {
        if (value.isPresent()) {
            array.add(value.getAsDouble());
        } else {
            array.addNull();
        }
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The last sagas, each with the state of its steps in words as well as colours. */
    private static String recentSagas(JsonNode sagas) {
        if (!sagas.isArray()) {
            return "<li class=\"text-body-secondary\">Not reported by this server.</li>";
        }
        StringBuilder html = new StringBuilder();
        for (JsonNode saga : sagas) {
            Optional<String> state = text(saga.path("state"));
            html.append("<li class=\"recent-item py-2\"><div class=\"d-flex justify-content-between align-items-start gap-2\"><div>")
                    .append("<span class=\"fw-medium\">").append(escape(text(saga.path("type")).orElse("saga"))).append("</span> ")
                    .append("<span class=\"small text-body-secondary saga-id\">").append(escape(text(saga.path("saga_id")).orElse(MISSING))).append("</span>")
                    .append(text(saga.path("file_id")).filter(id -> !id.isEmpty())
                            .map(id -> "<div class=\"small\">file <code class=\"file-id\">" + escape(id) + "</code></div>").orElse(""))
                    .append("</div>").append(badge(state.map(StatusPageRenderer::toneOf).orElse("secondary"), state.orElse("unknown")))
                    .append("</div>").append(steps(saga.path("steps")))
                    .append(text(saga.path("error")).filter(error -> !error.isEmpty())
                            .map(error -> "<div class=\"small text-danger\">" + escape(error) + "</div>").orElse(""))
                    .append("</li>");
        }
        return html.isEmpty() ? "<li class=\"text-body-secondary\">No sagas since start.</li>" : html.toString();
    }

    /** The last transfers, in flight first, each with the phases of its two-phase commit. */
    private static String recentTransfers(JsonNode transfers) {
        if (!transfers.isArray()) {
            return "<li class=\"text-body-secondary\">Not reported by this server.</li>";
        }
        StringBuilder html = new StringBuilder();
        for (JsonNode transfer : transfers) {
            Optional<String> state = text(transfer.path("state"));
            html.append("<li class=\"recent-item py-2\"><div class=\"d-flex justify-content-between align-items-start gap-2\"><div>")
                    .append("<span class=\"fw-medium\">").append(escape(text(transfer.path("source")).orElse(MISSING))).append(" → ")
                    .append(escape(text(transfer.path("target")).orElse(MISSING))).append("</span> ")
                    .append("<span class=\"small text-body-secondary\">").append(escape(text(transfer.path("transaction_id")).orElse(MISSING)))
                    .append("</span><div class=\"small\">file <code>").append(escape(text(transfer.path("file_id")).orElse(MISSING)))
                    .append("</code>").append(count(transfer.path("progress_percent")).stream()
                            .mapToObj(percent -> " · " + percent + " %").findFirst().orElse(""))
                    .append("</div></div>").append(badge(state.map(StatusPageRenderer::toneOf).orElse("secondary"), state.orElse("unknown")))
                    .append("</div>").append(steps(transfer.path("steps")))
                    .append(text(transfer.path("error")).filter(error -> !error.isEmpty())
                            .map(error -> "<div class=\"small text-danger\">" + escape(error) + "</div>").orElse(""))
                    .append("</li>");
        }
        return html.isEmpty() ? "<li class=\"text-body-secondary\">No transfers since start.</li>" : html.toString();
    }

    private static String steps(JsonNode steps) {
        if (!steps.isArray() || steps.isEmpty()) {
            return "";
        }
        StringBuilder html = new StringBuilder("<ol class=\"steps list-inline small mb-0 mt-1\" aria-label=\"Steps\">");
        for (JsonNode step : steps) {
            Optional<String> state = text(step.path("state"));
            html.append("<li class=\"list-inline-item step step-").append(escape(stepTone(state.orElse("")))).append("\">")
                    .append(escape(text(step.path("name")).orElse(MISSING))).append(": ")
                    .append(escape(state.orElse("unknown"))).append("</li>");
        }
        return html.append("</ol>").toString();
    }

    /** A step's colour class: done, in progress, undone, failed or not reached. */
    private static String stepTone(String state) {
        return switch (state) {
            case "succeeded", "commit" -> "done";
            case "running", "compensating", "decided" -> "active";
            case "compensated", "abort", "ended" -> "undone";
            case "failed", "compensation_failed", "heuristic" -> "failed";
            default -> "pending";
        };
    }

    private static String alertsBadge(JsonNode alerts) {
        if (!alerts.isObject()) {
            return badge("secondary", "not reported");
        }
        OptionalLong total = count(alerts.path("total_since_start"));
        if (total.isEmpty()) {
            return badge("secondary", "unknown");
        }
        return total.getAsLong() == 0 ? badge("success", "None") : badge("warning", total.getAsLong() + " since start");
    }

    private static String alerts(JsonNode alerts) {
        if (!alerts.isObject()) {
            return "<li class=\"text-body-secondary\">Not reported by this server.</li>";
        }
        StringBuilder html = new StringBuilder();
        for (JsonNode alert : iterable(alerts.path("recent"))) {
            html.append("<li class=\"py-1\"><span class=\"fw-medium\">").append(escape(text(alert.path("alert")).orElse(MISSING)).replace('_', ' '))
                    .append("</span> <span class=\"small text-body-secondary\">")
                    .append(escape(text(alert.path("time")).map(StatusPageRenderer::formatTime).orElse(MISSING))).append("</span>")
                    .append(text(alert.path("file_id")).filter(id -> !id.isEmpty())
                            .map(id -> " <span class=\"small\">file <code>" + escape(id) + "</code></span>").orElse(""))
                    .append("</li>");
        }
        if (html.isEmpty()) {
            return "<li class=\"text-body-secondary\">No alerts since start.</li>";
        }
        return html.append("<li class=\"small text-body-secondary pt-1\">Who and from where: in the alerts file and the log.</li>").toString();
    }

    // --- Small pieces ---

    /** Binary units, as storage is sized: 1536 → "1.5 KiB"; one decimal below 10, none above. */
    static String humanSize(long bytes) {
        if (bytes < 0) {
            return MISSING;
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, SIZE_UNITS[unit]);
    }

    /** The two largest units: "3 d 4 h", "5 min 6 s". */
    static String humanDuration(long seconds) {
        if (seconds < 0) {
            return MISSING;
        }
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        long secs = seconds % 60;
        if (days > 0) {
            return days + " d " + hours + " h";
        }
        if (hours > 0) {
            return hours + " h " + minutes + " min";
        }
        if (minutes > 0) {
            return minutes + " min " + secs + " s";
        }
        return secs + " s";
    }

    /** ISO-8601 instants as "2026-11-26 00:01:44 UTC"; anything else is shown as sent. */
    private static String formatTime(String text) {
        try {
            return TIME_FORMAT.format(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    /** Bootstrap colour for a state word; unknown words are neutral rather than alarming or reassuring. */
    private static String toneOf(String state) {
        return switch (state) {
            case "ready", "healthy", "ok", "up", "closed", "redis" -> "success";
            case "degraded", "half_open", "warning", "fallback" -> "warning";
            case "not_ready", "fail", "failed", "unavailable", "unhealthy", "down", "open", "error" -> "danger";
            default -> "secondary";
        };
    }

    private static String badge(String tone, String label) {
        String classes = tone.endsWith("-subtle")
                ? "bg-" + tone + " text-" + tone.replace("-subtle", "-emphasis") + " border border-" + tone
                : "text-bg-" + tone;
        return "<span class=\"badge " + classes + "\">" + escape(label) + "</span>";
    }

    private static String statCard(String label, String value, String note) {
        return "<div class=\"col-6 col-lg-3\"><div class=\"card stat-card h-100 shadow-sm\"><div class=\"card-body\">"
                + "<div class=\"stat-label\">" + escape(label) + "</div>"
                + "<div class=\"stat-value\">" + escape(value) + "</div>"
                + "<div class=\"small text-body-secondary\">" + escape(note) + "</div>"
                + "</div></div></div>";
    }

    private static String fact(String term, String value) {
        return "<dt class=\"col-sm-4\">" + escape(term) + "</dt><dd class=\"col-sm-8\">" + escape(value) + "</dd>";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A scalar as text; empty for missing, null, objects and arrays. */
    private static Optional<String> text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? Optional.of(node.asText()) : Optional.empty();
    }

    /** A whole number; counts of another type are shown as missing rather than guessed. */
    private static OptionalLong count(JsonNode node) {
        return node.isNumber() && node.canConvertToExactIntegral() && node.canConvertToLong()
                ? OptionalLong.of(node.longValue()) : OptionalLong.empty();
    }

    private static OptionalLong number(JsonNode node) {
        return node.isNumber() ? OptionalLong.of(node.longValue()) : OptionalLong.empty();
    }

    private static OptionalDouble decimal(JsonNode node) {
        return node.isNumber() ? OptionalDouble.of(node.doubleValue()) : OptionalDouble.empty();
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node.isArray() ? node : List.of();
    }

    // --- Template ---

    private static String fill(Map<String, String> slots) {
        Matcher matcher = SLOT.matcher(TEMPLATE);
        StringBuilder page = new StringBuilder(TEMPLATE.length() * 2);
        while (matcher.find()) {
            String value = slots.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException("the status page template has a slot '" + matcher.group(1)
                        + "' that StatusPageRenderer does not fill; fill it or remove it from " + TEMPLATE_RESOURCE);
            }
            matcher.appendReplacement(page, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(page);
        return page.toString();
    }

    private static String loadTemplate() {
        try (InputStream in = StatusPageRenderer.class.getClassLoader().getResourceAsStream(TEMPLATE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(TEMPLATE_RESOURCE + " is not on the classpath; the server needs the ingester-web module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + TEMPLATE_RESOURCE, e);
        }
    }
}
