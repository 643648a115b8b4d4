package io.artstore.ingester.server.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.IngestException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structured exports for external analytics, from the recent operations this instance keeps in memory
 * ({@link OperationHistory}): {@code GET /api/v1/analytics/failures} (failure patterns by operation, reason and
 * element, and over time) and {@code GET /api/v1/analytics/performance} (rates and latency percentiles per operation,
 * per element and per storage element call).
 */
public final class AnalyticsRoutes {

    public static final String FAILURES = "/api/v1/analytics/failures";
    public static final String PERFORMANCE = "/api/v1/analytics/performance";
    static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    static final Duration MAX_WINDOW = Duration.ofDays(7);
    private static final int MAX_BUCKETS = 1000;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(s|m|h|d)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OperationHistory history;

    public AnalyticsRoutes(OperationHistory history) {
        this.history = history;
    }

    public void register(RoutesConfig routes) {
        routes.get(FAILURES, this::failures);
        routes.get(PERFORMANCE, this::performance);
    }

    private void failures(Context ctx) {
        Duration window = duration(ctx, "window", DEFAULT_WINDOW);
        Duration bucket = duration(ctx, "bucket", window.compareTo(Duration.ofHours(1)) <= 0 ? Duration.ofMinutes(5)
                : Duration.ofHours(1));
        if (bucket.compareTo(window) > 0 || window.toSeconds() / bucket.toSeconds() > MAX_BUCKETS) {
            throw IngestException.invalid("invalid_bucket", "bucket must be at most the window and cut it into at most "
                    + MAX_BUCKETS + " pieces; got bucket " + text(bucket) + " for window " + text(window));
        }
        Instant to = history.now();
        Instant from = to.minus(window);
        List<OperationHistory.Entry> entries = history.operationsSince(from);
        ObjectNode body = header(to, from, window);
        Map<String, long[]> byOperation = new TreeMap<>();
        long[] totals = new long[3];
        Map<List<String>, FailureGroup> patterns = new LinkedHashMap<>();
        for (OperationHistory.Entry entry : entries) {
            int index = index(entry.outcome());
            totals[index]++;
            byOperation.computeIfAbsent(entry.operation(), any -> new long[3])[index]++;
            if (!entry.outcome().succeeded()) {
                patterns.computeIfAbsent(List.of(entry.operation(), entry.outcome().result(), entry.outcome().reason(),
                        entry.element()), key -> new FailureGroup(entry.at())).add(entry.at());
            }
        }
        body.set("totals", counts(totals));
        ArrayNode operations = body.putArray("by_operation");
        byOperation.forEach((operation, counts) -> {
            ObjectNode row = operations.addObject().put("operation", operation);
            row.setAll(counts(counts));
        });
        ArrayNode rows = body.putArray("patterns");
        patterns.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<List<String>, FailureGroup> e) -> e.getValue().count).reversed())
                .forEach(e -> rows.addObject()
                        .put("operation", e.getKey().get(0)).put("outcome", e.getKey().get(1))
                        .put("reason", e.getKey().get(2)).put("element", e.getKey().get(3))
                        .put("count", e.getValue().count)
                        .put("first_at", e.getValue().first.toString()).put("last_at", e.getValue().last.toString()));
        ObjectNode series = body.putObject("series");
        series.put("bucket_seconds", bucket.toSeconds());
        ArrayNode buckets = series.putArray("buckets");
        long count = (window.toSeconds() + bucket.toSeconds() - 1) / bucket.toSeconds();
        Instant start = to.minus(bucket.multipliedBy(count));
        List<ObjectNode> slots = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            ObjectNode slot = buckets.addObject().put("start", start.plus(bucket.multipliedBy(i)).toString())
                    .put("operations", 0).put("refused", 0).put("failed", 0);
            slot.putObject("by_reason");
            slots.add(slot);
        }
        for (OperationHistory.Entry entry : entries) {
            long slotIndex = Math.min(count - 1, Duration.between(start, entry.at()).toMillis() / bucket.toMillis());
            if (slotIndex < 0) {
                continue;
            }
            ObjectNode slot = slots.get((int) slotIndex);
            slot.put("operations", slot.get("operations").asLong() + 1);
            if (!entry.outcome().succeeded()) {
                slot.put(entry.outcome().result(), slot.get(entry.outcome().result()).asLong() + 1);
                ObjectNode reasons = (ObjectNode) slot.get("by_reason");
                reasons.put(entry.outcome().reason(), reasons.path(entry.outcome().reason()).asLong(0) + 1);
            }
        }
        send(ctx, body);
    }

    private void performance(Context ctx) {
        Duration window = duration(ctx, "window", DEFAULT_WINDOW);
        Instant to = history.now();
        Instant from = to.minus(window);
        ObjectNode body = header(to, from, window);
        List<OperationHistory.Entry> operations = history.operationsSince(from);
        body.set("operations", groups(operations, window, entry -> List.of(entry.operation()), List.of("operation"), true));
        body.set("elements", groups(operations.stream().filter(e -> !e.element().equals("none")).toList(), window,
                entry -> List.of(entry.element(), entry.operation()), List.of("element", "operation"), true));
        body.set("storage_element_calls", groups(history.callsSince(from), window,
                entry -> List.of(entry.element(), entry.operation()), List.of("element", "call"), false));
        send(ctx, body);
    }

    /** One row per key: counts, rates and the latency percentiles of the successful ones. */
    private static ArrayNode groups(List<OperationHistory.Entry> entries, Duration window,
            Function<OperationHistory.Entry, List<String>> key, List<String> fields, boolean withBytes) {
        Map<List<String>, List<OperationHistory.Entry>> grouped = new TreeMap<>(Comparator.comparing(Object::toString));
        entries.forEach(entry -> grouped.computeIfAbsent(key.apply(entry), any -> new ArrayList<>()).add(entry));
        ArrayNode rows = JSON.createArrayNode();
        double seconds = window.toMillis() / 1000.0;
        grouped.forEach((values, group) -> {
            ObjectNode row = rows.addObject();
            for (int i = 0; i < fields.size(); i++) {
                row.put(fields.get(i), values.get(i));
            }
            List<OperationHistory.Entry> succeeded = group.stream().filter(e -> e.outcome().succeeded()).toList();
            row.put("count", group.size()).put("succeeded", succeeded.size()).put("errors", group.size() - succeeded.size())
                    .put("per_second", group.size() / seconds);
            if (withBytes) {
                long bytes = succeeded.stream().mapToLong(OperationHistory.Entry::bytes).sum();
                row.put("bytes", bytes).put("bytes_per_second", bytes / seconds);
            }
            row.set("latency_seconds", percentiles(succeeded));
        });
        return rows;
    }

    /** Nearest-rank percentiles; all zero when nothing succeeded. */
    static ObjectNode percentiles(List<OperationHistory.Entry> entries) {
        double[] seconds = entries.stream().mapToDouble(e -> e.took().toNanos() / 1e9).sorted().toArray();
        ObjectNode node = JSON.createObjectNode();
        node.put("p50", rank(seconds, 0.50)).put("p90", rank(seconds, 0.90)).put("p95", rank(seconds, 0.95))
                .put("p99", rank(seconds, 0.99)).put("max", seconds.length == 0 ? 0 : seconds[seconds.length - 1])
                .put("mean", seconds.length == 0 ? 0 : java.util.Arrays.stream(seconds).sum() / seconds.length);
        return node;
    }

    static double rank(double[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private ObjectNode header(Instant to, Instant from, Duration window) {
        ObjectNode body = JSON.createObjectNode();
        body.put("generated_at", to.toString());
        body.putObject("window").put("from", from.toString()).put("to", to.toString()).put("seconds", window.toSeconds());
        // What the in-memory history still holds: a window that reaches further back sees only this much.
        body.put("history_since", history.oldestOperation().map(Instant::toString).orElse(null));
        return body;
    }

    private static ObjectNode counts(long[] counts) {
        long total = counts[0] + counts[1] + counts[2];
        ObjectNode node = JSON.createObjectNode();
        node.put("operations", total).put("succeeded", counts[0]).put("refused", counts[1]).put("failed", counts[2])
                .put("failure_ratio", total == 0 ? 0 : (counts[1] + counts[2]) / (double) total);
        return node;
    }

    private static int index(Outcome outcome) {
        return switch (outcome.result()) {
            case Outcome.SUCCEEDED -> 0;
            case Outcome.REFUSED -> 1;
            default -> 2;
        };
    }

    /** A query parameter such as {@code 15m}, {@code 1h}, {@code 7d}: from one minute to seven days. */
    static Duration duration(Context ctx, String name, Duration fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        Duration parsed = null;
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            parsed = switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        if (parsed == null || parsed.compareTo(Duration.ofMinutes(1)) < 0 || parsed.compareTo(MAX_WINDOW) > 0) {
            throw IngestException.invalid("invalid_" + name, name + " must be a duration from 1m to 7d written as a number and"
                    + " a unit (s, m, h, d), e.g. 15m or 24h; got '" + value + "'");
        }
        return parsed;
    }

    private static String text(Duration duration) {
        return duration.toSeconds() + "s";
    }

    private static void send(Context ctx, ObjectNode body) {
        ctx.status(200).contentType("application/json").result(body.toString());
    }

    /** The failures of one operation, outcome, reason and element. */
    private static final class FailureGroup {
        private final Instant first;
        private Instant last;
        private long count;

        FailureGroup(Instant first) {
            this.first = first;
            this.last = first;
        }

        void add(Instant at) {
            count++;
            last = at;
        }
    }
}
