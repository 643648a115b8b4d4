package io.artstore.ingester.server.http;

import static io.artstore.ingester.server.http.StatusDocuments.GIB;
import static io.artstore.ingester.server.http.StatusDocuments.element;
import static io.artstore.ingester.server.http.StatusDocuments.embedded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The status page in a real browser: the server-rendered page, then status.js refreshing it from the status
 * document. Served over HTTP from a throw-away server on 127.0.0.1, because the page links its stylesheets
 * and the status document by absolute path, as the ingester serves them. Skipped when Chromium is absent.
 */
class StatusPageBrowserIT {

    /** Kept after the build, for a person to look at. */
    private static final Path SCREENSHOT = Paths.get("target", "status-page.png");
    private static final Path SCREENSHOT_WITHOUT_JAVASCRIPT = Paths.get("target", "status-page-without-javascript.png");

    @TempDir
    Path workDir;

    private final AtomicReference<ObjectNode> pageDocument = new AtomicReference<>(embedded());
    private final AtomicReference<String> statusDocument = new AtomicReference<>();
    /** Off: the page is served with a policy that blocks every script, as for a browser without JavaScript. */
    private volatile boolean scriptsAllowed = true;
    private final Set<String> served = ConcurrentHashMap.newKeySet();
    private HttpServer server;
    private HeadlessChromium chromium;
    private String pageUrl;

    @BeforeAll
    static void requireChromium() {
        assumeTrue(HeadlessChromium.installed(), HeadlessChromium.EXECUTABLE + " is not installed");
    }

    @BeforeEach
    void startServer() throws IOException {
        Files.createDirectories(SCREENSHOT.getParent());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/")) {
                if (!scriptsAllowed) {
                    exchange.getResponseHeaders().set("Content-Security-Policy", "script-src 'none'");
                }
                String page = StatusPageRenderer.render(pageDocument.get());
                respond(exchange, 200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
            } else {
                respond(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.createContext("/static/", exchange -> fromClasspath(exchange, "io/artstore/ingester/web"));
        server.createContext("/webjars/", exchange -> fromClasspath(exchange, "META-INF/resources"));
        server.createContext("/api/v1/status", exchange -> {
            String document = statusDocument.get();
            if (document == null) {
                respond(exchange, 503, "application/json", "{\"code\":\"unavailable\"}".getBytes(StandardCharsets.UTF_8));
            } else {
                respond(exchange, 200, "application/json", document.getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        pageUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        chromium = new HeadlessChromium(workDir);
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void renders_with_bootstrap_and_the_page_assets() throws Exception {
        statusDocument.set(refreshed());

        chromium.screenshot(pageUrl, SCREENSHOT);

        assertStyledScreenshot(SCREENSHOT);
        assertThat(served).contains("/static/status.js", "/api/v1/status");
    }

    @Test
    void the_script_re_renders_every_section_from_the_status_document() throws Exception {
        statusDocument.set(refreshed());

        String dom = chromium.dumpDom(pageUrl);

        assertThat(dom).contains("data-refreshed-at=");
        assertThat(classesOf(dom, "stale-badge")).contains("d-none");
        assertThat(classesOf(dom, "live-indicator")).doesNotContain("d-none");
        assertThat(dom)
                .contains(">ingester-after-refresh<", ">2 h 5 min<", "Not ready")
                .contains(">remote-archive<", "circuit half_open", "&lt;b&gt;not bold&lt;/b&gt;")
                .contains("Needs an operator: 1 heuristic", "Needs an operator: 4 failed compensation",
                        ">Committed since start</dt><dd class=\"col-4 text-end mb-1\">13</dd>")
                .doesNotContain("<b>not bold</b>")
                .contains("<code>server.port</code></th><td>8020</td>", "Generated at <span id=\"generated-at\">2026-11-26 00:05:00 UTC</span>");
    }

    @Test
    void keeps_the_server_rendered_content_and_marks_it_stale_when_a_refresh_fails() throws Exception {
        statusDocument.set(null);

        String dom = chromium.dumpDom(pageUrl);

        assertThat(classesOf(dom, "stale-badge")).doesNotContain("d-none");
        assertThat(dom).contains(">ingester-7f3a<", ">local-edit<", ">local-rw<", ">2 h 3 min<", "<code>server.port</code>",
                        ">Completed since start</dt><dd class=\"col-4 text-end mb-1\">42</dd>")
                .doesNotContain("data-refreshed-at=");
    }

    @Test
    void shows_the_whole_status_without_javascript() throws Exception {
        statusDocument.set(refreshed());
        scriptsAllowed = false;

        chromium.screenshot(pageUrl, SCREENSHOT_WITHOUT_JAVASCRIPT);
        String dom = chromium.dumpDom(pageUrl);

        assertStyledScreenshot(SCREENSHOT_WITHOUT_JAVASCRIPT);
        assertThat(served).as("no script ran, so nothing fetched the status document").doesNotContain("/api/v1/status");
        assertThat(dom).contains(">ingester-7f3a<", ">local-edit<", "120 GiB of 500 GiB used", "<code>server.port</code>")
                .doesNotContain("ingester-after-refresh", "data-refreshed-at=");
        assertThat(classesOf(dom, "live-indicator")).contains("d-none");
    }

    private void assertStyledScreenshot(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(900);
        assertThat(distinctColours(image)).as("a styled page, not a blank one").isGreaterThan(50);
        assertThat(served).contains("/", "/static/status.css");
        assertThat(served).anyMatch(path -> path.matches("/webjars/bootstrap/[0-9.]+/css/bootstrap\\.min\\.css"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void the_script_renders_every_section_exactly_as_the_server_does(String name, ObjectNode document) throws Exception {
        pageDocument.set(document);
        statusDocument.set(document.toString());

        scriptsAllowed = false;
        String serverRendered = chromium.dumpDom(pageUrl);
        scriptsAllowed = true;
        String scriptRendered = chromium.dumpDom(pageUrl);

        assertThat(scriptRendered).contains("data-refreshed-at=");
        for (String id : HtmlSections.RENDERED) {
            assertThat(HtmlSections.inner(scriptRendered, id)).as("#%s", id).isEqualTo(HtmlSections.inner(serverRendered, id));
        }
    }

    static Stream<Arguments> documents() {
        ObjectNode rich = embedded();
        ObjectNode archive = element("<i>archive</i>", "ar", 5, "degraded", "https://se.example/<b>not bold</b>?a=1&b=2",
                7_654_321_987L, 1_234_567L, 7_653_087_420L, 0.02, 1_536);
        archive.putObject("circuit_breaker").put("state", "half_open");
        archive.putObject("tls").put("code", "tls_handshake_failed").put("reason", "unknown_ca")
                .put("message", "<b>PKIX</b> path \"building\" failed & more").put("at", "2026-11-26T00:04:00Z");
        rich.withArrayProperty("storage_elements").add(archive).addObject().put("id", "remote-without-capacity");
        rich.withObjectProperty("configuration").put("banner", "<script>alert('x')</script> \"quoted\" & more")
                .putNull("proxy").putArray("peers");
        rich.withObjectProperty("health").withObjectProperty("checks").putObject("catalogue").put("status", "fail");
        rich.withObjectProperty("transfers").put("heuristic", 2).put("aborted", "<b>many</b>").put("committed", 3.0);
        rich.withObjectProperty("sagas").put("failed_compensation", 1).put("running", 1.5).putNull("compensating");
        ObjectNode bare = StatusDocuments.JSON.createObjectNode();
        bare.putObject("health").put("timestamp", "2026-11-26T00:05:00Z");
        return Stream.of(Arguments.of("a rich document", rich), Arguments.of("a bare document", bare));
    }

    /** What the server reports a little later: a third element has appeared and health has changed. */
    private static String refreshed() {
        ObjectNode status = embedded().put("instance_id", "ingester-after-refresh").put("uptime_seconds", 7_500);
        status.withObjectProperty("health").put("status", "not_ready").put("timestamp", "2026-11-26T00:05:00Z");
        ObjectNode archive = element("remote-archive", "ar", 5, "degraded", "<b>not bold</b>",
                10_000L * GIB, 9_000L * GIB, 1_000L * GIB, 90.0, 0);
        archive.putObject("circuit_breaker").put("state", "half_open");
        status.withArrayProperty("storage_elements").add(archive);
        status.withObjectProperty("transfers").put("committed", 13).put("heuristic", 1);
        status.withObjectProperty("sagas").put("failed_compensation", 4);
        return status.toString();
    }

    private void fromClasspath(HttpExchange exchange, String root) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.contains("..")) {
            respond(exchange, 400, "text/plain", new byte[0]);
            return;
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(root + path)) {
            if (in == null) {
                respond(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String type = path.endsWith(".css") ? "text/css" : path.endsWith(".js") ? "text/javascript" : "application/octet-stream";
            respond(exchange, 200, type, in.readAllBytes());
        }
    }

    private void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (status == 200) {
            served.add(exchange.getRequestURI().getPath());
        }
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String classesOf(String dom, String id) {
        Matcher matcher = Pattern.compile("<\\w+ id=\"" + id + "\" class=\"([^\"]*)\"").matcher(dom);
        assertThat(matcher.find()).as("element #%s in the DOM", id).isTrue();
        return matcher.group(1);
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
