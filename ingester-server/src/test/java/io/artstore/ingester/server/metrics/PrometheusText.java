package io.artstore.ingester.server.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus' text exposition format 0.0.4, as Prometheus' own parser reads it: {@code # HELP} and
 * {@code # TYPE} lines, samples {@code name{label="value",...} value [timestamp]} with the format's escapes, and the
 * rules a scrape must keep — one TYPE and one HELP per family, given before its samples; a family's samples together;
 * no series twice; a histogram's buckets cumulative, ending in {@code le="+Inf"} equal to its {@code _count}; counters
 * never negative. Any other line is an error naming the line.
 */
final class PrometheusText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One series' value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    /** A metric family: its type, help and samples (of all its series, suffixes included). */
    record Family(String name, String type, String help, List<Sample> samples) {}

    static final class ParseException extends RuntimeException {
        ParseException(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    private final Map<String, Family> families;

    private PrometheusText(Map<String, Family> families) {
        this.families = families;
    }

    static PrometheusText parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new ParseException(text.split("\n", -1).length, "the exposition must end with a line feed");
        }
        Map<String, String> types = new HashMap<>();
        Map<String, String> helps = new HashMap<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            int number = i + 1;
            String line = lines[i];
            if (line.isEmpty()) {
                throw new ParseException(number, "empty line");
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && parts[0].equals("#") && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    String name = parts[2];
                    if (!METRIC_NAME.matcher(name).matches()) {
                        throw new ParseException(number, "bad metric name '" + name + "'");
                    }
                    if (samples.containsKey(name) || closed.contains(name)) {
                        throw new ParseException(number, parts[1] + " of " + name + " after its samples");
                    }
                    if (parts[1].equals("TYPE")) {
                        if (parts.length != 4 || !TYPES.contains(parts[3])) {
                            throw new ParseException(number, "bad TYPE line '" + line + "'");
                        }
                        if (types.put(name, parts[3]) != null) {
                            throw new ParseException(number, "second TYPE for " + name);
                        }
                    } else {
                        String help = parts.length == 4 ? unescapeHelp(parts[3], number) : "";
                        if (helps.put(name, help) != null) {
                            throw new ParseException(number, "second HELP for " + name);
                        }
                    }
                }
                continue; // any other comment is allowed
            }
            Sample sample = sample(line, number);
            String family = familyOf(sample.name(), types);
            if (!family.equals(current)) {
                if (current != null) {
                    closed.add(current);
                }
                if (closed.contains(family)) {
                    throw new ParseException(number, "samples of " + family + " are not together");
                }
                current = family;
            }
            String key = sample.name() + new TreeMap<>(sample.labels());
            if (!series.add(key)) {
                throw new ParseException(number, "series twice: " + key);
            }
            samples.computeIfAbsent(family, any -> new ArrayList<>()).add(sample);
        }
        Map<String, Family> families = new LinkedHashMap<>();
        samples.forEach((name, list) -> families.put(name, new Family(name, types.getOrDefault(name, "untyped"),
                helps.getOrDefault(name, ""), List.copyOf(list))));
        families.values().forEach(PrometheusText::checkFamily);
        return new PrometheusText(families);
    }

    private static String familyOf(String name, Map<String, String> types) {
        for (String suffix : List.of("_bucket", "_count", "_sum")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type)) {
                    return base;
                }
            }
        }
        return name;
    }

    private static void checkFamily(Family family) {
        if (family.type().equals("counter")) {
            family.samples().forEach(s -> {
                if (s.value() < 0 || Double.isNaN(s.value())) {
                    throw new IllegalStateException("counter " + s + " is negative or NaN");
                }
            });
        }
        if (!family.type().equals("histogram")) {
            return;
        }
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new HashMap<>();
        for (Sample sample : family.samples()) {
            if (sample.name().equals(family.name() + "_bucket")) {
                if (!sample.labels().containsKey("le")) {
                    throw new IllegalStateException("bucket without le: " + sample);
                }
                Map<String, String> rest = new TreeMap<>(sample.labels());
                rest.remove("le");
                buckets.computeIfAbsent(rest, any -> new ArrayList<>()).add(sample);
            } else if (sample.name().equals(family.name() + "_count")) {
                counts.put(new TreeMap<>(sample.labels()), sample.value());
            } else if (!sample.name().equals(family.name() + "_sum")) {
                throw new IllegalStateException("histogram " + family.name() + " has a sample " + sample.name());
            }
        }
        buckets.forEach((labels, list) -> {
            double previousLe = Double.NEGATIVE_INFINITY;
            double previous = 0;
            for (Sample bucket : list) {
                double le = number(bucket.labels().get("le"), -1);
                if (le <= previousLe || bucket.value() < previous) {
                    throw new IllegalStateException("buckets of " + family.name() + labels + " are not cumulative in le order");
                }
                previousLe = le;
                previous = bucket.value();
            }
            Sample last = list.get(list.size() - 1);
            if (!last.labels().get("le").equals("+Inf")) {
                throw new IllegalStateException("histogram " + family.name() + labels + " has no le=\"+Inf\" bucket");
            }
            Double count = counts.get(labels);
            if (count == null || count != last.value()) {
                throw new IllegalStateException("the +Inf bucket of " + family.name() + labels + " is not its _count");
            }
        });
    }

    private static Sample sample(String line, int number) {
        int at = 0;
        while (at < line.length() && (Character.isLetterOrDigit(line.charAt(at)) || line.charAt(at) == '_'
                || line.charAt(at) == ':')) {
            at++;
        }
        String name = line.substring(0, at);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new ParseException(number, "bad metric name in '" + line + "'");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (at < line.length() && line.charAt(at) == '{') {
            at++;
            while (true) {
                if (at < line.length() && line.charAt(at) == '}') {
                    at++;
                    break;
                }
                int nameStart = at;
                while (at < line.length() && line.charAt(at) != '=') {
                    at++;
                }
                String label = line.substring(nameStart, at);
                if (!LABEL_NAME.matcher(label).matches() || at + 1 >= line.length() || line.charAt(at + 1) != '"') {
                    throw new ParseException(number, "bad label in '" + line + "'");
                }
                at += 2;
                StringBuilder value = new StringBuilder();
                while (true) {
                    if (at >= line.length()) {
                        throw new ParseException(number, "unterminated label value in '" + line + "'");
                    }
                    char c = line.charAt(at++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (at >= line.length()) {
                            throw new ParseException(number, "dangling escape in '" + line + "'");
                        }
                        char escaped = line.charAt(at++);
                        switch (escaped) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw new ParseException(number, "bad escape \\" + escaped + " in '" + line + "'");
                        }
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new ParseException(number, "label " + label + " twice in '" + line + "'");
                }
                if (at < line.length() && line.charAt(at) == ',') {
                    at++;
                } else if (at >= line.length() || line.charAt(at) != '}') {
                    throw new ParseException(number, "expected , or } in '" + line + "'");
                }
            }
        }
        if (at >= line.length() || line.charAt(at) != ' ') {
            throw new ParseException(number, "expected a space before the value in '" + line + "'");
        }
        String[] rest = line.substring(at + 1).split(" ", -1);
        if (rest.length < 1 || rest.length > 2) {
            throw new ParseException(number, "expected a value and at most a timestamp in '" + line + "'");
        }
        double value = number(rest[0], number);
        if (rest.length == 2 && !rest[1].matches("-?\\d+")) {
            throw new ParseException(number, "bad timestamp in '" + line + "'");
        }
        return new Sample(name, labels, value);
    }

    private static double number(String text, int line) {
        switch (text) {
            case "+Inf", "Inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN" -> {
                return Double.NaN;
            }
            default -> {
                if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                    throw new ParseException(line, "not a number: '" + text + "'");
                }
                return Double.parseDouble(text);
            }
        }
    }

    private static String unescapeHelp(String text, int line) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new ParseException(line, "dangling escape in HELP");
                }
                char escaped = text.charAt(++i);
                switch (escaped) {
                    case '\\' -> out.append('\\');
                    case 'n' -> out.append('\n');
                    default -> throw new ParseException(line, "bad escape \\" + escaped + " in HELP");
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    Optional<Family> family(String name) {
        return Optional.ofNullable(families.get(name));
    }

    Set<String> names() {
        return families.keySet();
    }

    /** The value of the sample {@code name} whose labels include {@code labels}, summed over all that match; 0 if none. */
    double sum(String name, Map<String, String> labels) {
        return matching(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    List<Sample> matching(String name, Map<String, String> labels) {
        Family family = families.get(familyOf(name, typesOf()));
        if (family == null) {
            return List.of();
        }
        return family.samples().stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    private Map<String, String> typesOf() {
        Map<String, String> types = new HashMap<>();
        families.values().forEach(f -> types.put(f.name(), f.type()));
        return types;
    }
}
