package io.artstore.ingester.server.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What each request needs, decided on its normalised path (percent-escapes decoded, empty and dot segments
 * resolved), so that no spelling of a path reaches a route under weaker rules than its own. A path the table does
 * not know needs the {@code admin} permission: new routes are closed until they are listed here.
 */
public final class RoutePolicy {

    /** What one request needs. */
    public sealed interface Rule permits Open, Authenticated, Needs {}

    /** Served to anyone, also with authentication on. */
    public record Open() implements Rule {}

    /** Any valid token; the route itself checks what the token delegates ({@code POST /api/v1/tokens}). */
    public record Authenticated() implements Rule {}

    /**
     * @param fileIdSegment which path segment holds a file id whose storage element the token must reach, or -1
     */
    public record Needs(Permission permission, int fileIdSegment) implements Rule {}

    private record Entry(String method, List<String> pattern, Rule rule) {}

    private static final List<Entry> TABLE = List.of(
            entry("GET", "/health/live", new Open()),
            entry("GET", "/health/ready", new Open()),
            entry("GET", "/api/v1/status", new Open()),
            entry("GET", "/", new Open()),
            entry("GET", "/static/**", new Open()),
            entry("GET", "/webjars/**", new Open()),
            entry("GET", "/.well-known/jwks.json", new Open()),
            entry("POST", "/api/v1/tokens", new Authenticated()),
            entry("POST", "/api/v1/files/upload", new Needs(Permission.FILES_UPLOAD, -1)),
            entry("GET", "/api/v1/files/*", new Needs(Permission.FILES_READ, 3)),
            entry("GET", "/api/v1/files/*/signature/verify", new Needs(Permission.FILES_READ, 3)),
            entry("DELETE", "/api/v1/files/*", new Needs(Permission.FILES_DELETE, 3)),
            entry("POST", "/api/v1/files/*/transfer", new Needs(Permission.FILES_TRANSFER, 3)),
            entry("POST", "/api/v1/finalize/*", new Needs(Permission.FILES_TRANSFER, 3)),
            entry("GET", "/api/v1/transfers/*", new Needs(Permission.FILES_READ, -1)),
            entry("GET", "/api/v1/finalize/*/status", new Needs(Permission.FILES_READ, -1)),
            entry("GET", "/api/v1/sagas/*", new Needs(Permission.SAGAS_READ, -1)),
            // Resumable uploads: discovery and CORS preflights are open, as browsers send preflights without tokens.
            entry("OPTIONS", "/api/v1/uploads", new Open()),
            entry("OPTIONS", "/api/v1/uploads/*", new Open()),
            entry("POST", "/api/v1/uploads", new Needs(Permission.FILES_UPLOAD, -1)),
            entry("GET", "/api/v1/uploads", new Needs(Permission.FILES_UPLOAD, -1)),
            entry("GET", "/api/v1/uploads/*", new Needs(Permission.FILES_UPLOAD, -1)),
            entry("GET", "/api/v1/uploads/*/events", new Needs(Permission.FILES_UPLOAD, -1)),
            entry("PATCH", "/api/v1/uploads/*", new Needs(Permission.FILES_UPLOAD, -1)),
            entry("DELETE", "/api/v1/uploads/*", new Needs(Permission.FILES_UPLOAD, -1)));

    private static final Rule ADMIN = new Needs(Permission.ADMIN, -1);

    private RoutePolicy() {
    }

    private static Entry entry(String method, String pattern, Rule rule) {
        return new Entry(method, segments(pattern), rule);
    }

    /** The rule of {@code method} on {@code path}, and the path's segments it was matched on. */
    public record Decision(Rule rule, List<String> segments) {

        public Optional<String> fileId() {
            return rule instanceof Needs needs && needs.fileIdSegment() >= 0 && needs.fileIdSegment() < segments.size()
                    ? Optional.of(segments.get(needs.fileIdSegment())) : Optional.empty();
        }
    }

    public static Decision decide(String method, String rawPath) {
        List<String> segments = segments(normalise(rawPath));
        String verb = method.toUpperCase(Locale.ROOT).equals("HEAD") ? "GET" : method.toUpperCase(Locale.ROOT);
        for (Entry entry : TABLE) {
            if (entry.method().equals(verb) && matches(entry.pattern(), segments)) {
                return new Decision(entry.rule(), segments);
            }
        }
        return new Decision(ADMIN, segments);
    }

    /**
     * Whether the request continues or reads a resumable upload rather than starting one: it neither spends a use
     * of a temporary token (the upload's creation did) nor counts as a new upload in flight unless it sends bytes.
     */
    public static boolean continuesUpload(String method, String rawPath) {
        List<String> segments = segments(normalise(rawPath));
        boolean under = segments.size() >= 3 && segments.get(0).equals("api") && segments.get(1).equals("v1")
                && segments.get(2).equals("uploads");
        return under && !(segments.size() == 3 && method.equalsIgnoreCase("POST"));
    }

    /** Whether the path is under {@code /api/v1/admin}, in any spelling. */
    public static boolean isAdmin(String rawPath) {
        List<String> segments = segments(normalise(rawPath));
        return segments.size() >= 3 && segments.get(0).equals("api") && segments.get(1).equals("v1") && segments.get(2).equals("admin");
    }

    private static boolean matches(List<String> pattern, List<String> segments) {
        for (int i = 0; i < pattern.size(); i++) {
            String part = pattern.get(i);
            if (part.equals("**")) {
                return true;
            }
            if (i >= segments.size() || !(part.equals("*") || part.equals(segments.get(i)))) {
                return false;
            }
        }
        return pattern.size() == segments.size();
    }

    private static List<String> segments(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    /** Decodes percent-escapes (twice-encoded ones stay escaped once, as the router sees them) and resolves dot segments. */
    static String normalise(String rawPath) {
        String path = rawPath;
        int semicolon = path.indexOf(';');
        if (semicolon >= 0) {
            path = path.substring(0, semicolon);
        }
        Deque<String> out = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            String decoded = decode(segment);
            if (decoded.isEmpty() || decoded.equals(".")) {
                continue;
            }
            if (decoded.equals("..")) {
                out.pollLast();
                continue;
            }
            out.addLast(decoded);
        }
        return "/" + String.join("/", out);
    }

    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}
