package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page of a running ingester in a real browser (the system's headless Chromium, driven over the DevTools
 * protocol): what it shows against {@code GET /api/v1/status}, a screenshot, the page without JavaScript, the live
 * refresh after a change of state. Skipped when Chromium is absent, except on CI (the {@code CI} variable set),
 * where a missing browser fails the build: {@code .ci/run} installs it.
 */
class StatusPageBrowserIT {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;
    /** Kept after the build, for a person to look at. */
    private static final Path SCREENSHOT = Paths.get("target", "status-page.png");
    private static final Path FULL_SCREENSHOT = Paths.get("target", "status-page-full.png");
    private static final Path SCREENSHOT_WITHOUT_JAVASCRIPT = Paths.get("target", "status-page-without-javascript.png");

    @TempDir
    Path workDir;

    private TestServer server;
    private DevToolsBrowser browser;

    @BeforeAll
    static void requireChromium() {
        HeadlessChromium.require();
    }

    @BeforeEach
    void start() throws IOException, InterruptedException {
        Files.createDirectories(SCREENSHOT.getParent());
        server = TestServer.start();
        browser = DevToolsBrowser.launch(workDir, WIDTH, HEIGHT);
    }

    @AfterEach
    void stop() throws IOException {
        try {
            browser.close();
        } finally {
            server.close();
        }
    }

    @Test
    void shows_what_the_status_document_says_and_draws_its_charts() throws IOException {
        browser.navigate(page());
        JsonNode status = server.status();

        JsonNode shown = browser.evaluate("""
                ({
                  elements: Array.from(document.querySelectorAll('#storage-elements-rows tr')).map(row => ({
                    id: row.querySelector('td .fw-semibold').textContent,
                    mode: row.cells[1].textContent.trim(),
                    health: row.cells[3].querySelector('.badge').textContent
                  })),
                  health: document.querySelector('#health-badge .badge').textContent,
                  readiness: document.querySelector('#health-probes li:nth-child(2) .badge').textContent,
                  discovery: document.querySelector('#discovery .badge').textContent,
                  authHelp: document.getElementById('upload-token-help').textContent,
                  widgetHidden: document.getElementById('upload-widget').hidden,
                  liveHidden: document.getElementById('live-indicator').classList.contains('d-none')
                })""");
        List<String> expected = new ArrayList<>();
        for (JsonNode element : status.path("storage_elements")) {
            expected.add(element.path("id").asText() + " " + element.path("mode").asText() + " " + element.path("health").asText());
        }
        List<String> actual = new ArrayList<>();
        for (JsonNode element : shown.path("elements")) {
            actual.add(element.path("id").asText() + " " + element.path("mode").asText() + " " + element.path("health").asText());
        }
        assertThat(expected).hasSize(2);
        assertThat(actual).isEqualTo(expected);
        assertThat(status.path("health").path("status").asText()).isEqualTo("ready");
        assertThat(shown.path("health").asText()).isEqualTo("Ready");
        assertThat(shown.path("readiness").asText()).isEqualTo(status.path("health").path("status").asText());
        assertThat(status.path("health").path("checks").path("service_discovery").path("status").asText()).isEqualTo("static");
        assertThat(shown.path("discovery").asText()).isEqualTo("Static: from configuration");
        assertThat(status.path("auth").path("enabled").asBoolean()).isFalse();
        assertThat(shown.path("authHelp").asText()).contains("no token is needed");
        assertThat(shown.path("widgetHidden").asBoolean()).as("the upload widget is shown with JavaScript").isFalse();
        assertThat(shown.path("liveHidden").asBoolean()).isFalse();
        browser.awaitTrue("the charts are drawn by uPlot",
                "document.querySelectorAll('#throughput-chart .uplot, #latency-chart .uplot').length === 2");

        Files.write(SCREENSHOT, browser.screenshot());
        assertScreenshot(SCREENSHOT);
        Files.write(FULL_SCREENSHOT, browser.fullPageScreenshot());
        assertThat(ImageIO.read(FULL_SCREENSHOT.toFile()).getHeight()).as("the whole page is taller than the window").isGreaterThan(HEIGHT);
    }

    @Test
    void shows_the_core_facts_without_javascript() throws IOException {
        browser.disableJavaScript();
        browser.navigate(page());
        JsonNode status = server.status();

        Files.write(SCREENSHOT_WITHOUT_JAVASCRIPT, browser.screenshot());
        assertScreenshot(SCREENSHOT_WITHOUT_JAVASCRIPT);
        String html = browser.html();
        assertThat(html).doesNotContain("data-refreshed-at=");
        for (JsonNode element : status.path("storage_elements")) {
            assertThat(HtmlSections.inner(html, "storage-elements-rows"))
                    .contains(">" + element.path("id").asText() + "<", ">" + element.path("mode").asText() + "<");
        }
        assertThat(HtmlSections.inner(html, "health-badge")).contains(">Ready<");
        assertThat(HtmlSections.inner(html, "discovery")).contains(">Static: from configuration<");
        assertThat(HtmlSections.inner(html, "health-probes")).contains("/health/live", "/health/ready", ">ready<");
        assertThat(HtmlSections.inner(html, "configuration-rows")).contains("<code>server.port</code>");
        assertThat(html).containsPattern("<section id=\"upload-widget\"[^>]* hidden[ >=]")
                .containsPattern("<span id=\"live-indicator\" class=\"[^\"]*d-none");
        assertThat(browser.evaluate("document.querySelectorAll('#throughput-chart .uplot').length").asInt())
                .as("no chart without JavaScript").isZero();
    }

    @Test
    void the_live_refresh_shows_an_upload_that_happened_after_the_page_loaded() {
        browser.navigate(page());
        assertThat(completedSagas()).isEqualTo("0");
        assertThat(browser.text("document.getElementById('recent-sagas').textContent")).contains("No sagas since start.");

        Reply uploaded = server.upload(Multipart.form().field("target_mode", "edit")
                .file("after-load.txt", "uploaded after the page loaded".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        String fileId = uploaded.json().path("file_id").asText();

        browser.awaitTrue("the page shows the completed saga without a reload",
                "document.querySelector('#saga-counts dd').parentElement.textContent.includes('Completed since start')"
                        + " && document.body.hasAttribute('data-refreshed-at')"
                        + " && document.getElementById('recent-sagas').textContent.includes(" + quoted(fileId) + ")");
        assertThat(completedSagas()).isEqualTo("1");
        assertThat(browser.text("document.getElementById('recent-sagas').textContent"))
                .contains("add-file", "completed", "stage-content: succeeded", "record-in-catalogue: succeeded");
        // The upload's sample shows once its five-second interval has closed and the page refreshed after it.
        browser.awaitTrue("the throughput sample of the upload is shown and charted",
                "(document.getElementById('samples-summary') || {textContent: ''}).textContent.startsWith('1 upload request,')"
                        + " && Number(document.getElementById('throughput-chart').getAttribute('data-points')) > 0");
        JsonNode points = server.status().path("samples").path("points");
        assertThat(points).anySatisfy(point -> assertThat(point.path("uploads").asInt()).isEqualTo(1));
        assertThat(browser.evaluate("performance.getEntriesByType('navigation').length").asInt())
                .as("refreshed in place, not reloaded").isEqualTo(1);
    }

    @Test
    void the_widget_uploads_a_file_through_tus_with_a_pause_and_the_file_appears() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int line = 0; text.length() < 4 * 1024 * 1024; line++) {
            text.append("line ").append(line).append(" of a file sent through the status page's resumable upload widget\n");
        }
        Path file = workDir.resolve("widget-upload.txt");
        Files.writeString(file, text, java.nio.charset.StandardCharsets.US_ASCII);
        browser.navigate(page());
        browser.awaitTrue("the widget is shown", "!document.getElementById('upload-widget').hidden");
        // Small chunks, so that the upload is still going when the first progress lands and the pause stops it.
        browser.evaluate("document.getElementById('upload-widget').setAttribute('data-chunk-size', String(256 * 1024))");
        browser.evaluate("""
                new MutationObserver((changes, observer) => {
                  if (Number(document.getElementById('upload-progress').getAttribute('aria-valuenow')) > 0) {
                    observer.disconnect();
                    document.getElementById('upload-pause').click();
                  }
                }).observe(document.getElementById('upload-progress'), { attributes: true }); true""");

        browser.setFile("#upload-file", file);
        browser.awaitTrue("the file is chosen", "!document.getElementById('upload-start').disabled");
        browser.evaluate("document.getElementById('upload-start').click()");

        browser.awaitTrue("the upload is paused", "document.getElementById('upload-widget').getAttribute('data-state') === 'paused'");
        double paused = browser.evaluate("Number(document.getElementById('upload-progress').getAttribute('aria-valuenow'))").asDouble();
        assertThat(paused).as("paused part-way").isBetween(0.0, 99.9);
        JsonNode inFlight = server.status().path("uploads").path("uploads");
        assertThat(inFlight).as("the paused upload is in flight on the server").hasSize(1);
        assertThat(inFlight.get(0).path("offset").asLong()).isLessThan(text.length());
        browser.awaitTrue("the page lists the paused upload with a progress bar",
                "document.querySelector('#uploads-rows .upload-name') !== null"
                        + " && document.querySelector('#uploads-rows .upload-name').textContent === 'widget-upload.txt'"
                        + " && document.querySelector('#uploads-rows .progress[role=progressbar]') !== null");

        browser.evaluate("document.getElementById('upload-resume').click()");
        browser.awaitTrue("the upload is done", "document.getElementById('upload-widget').getAttribute('data-state') === 'done'");

        String fileId = browser.text("document.getElementById('upload-widget').getAttribute('data-file-id')");
        assertThat(browser.text("document.getElementById('upload-message').textContent"))
                .isEqualTo("Uploaded widget-upload.txt as file " + fileId + ".");
        Reply content = server.get("/api/v1/files/" + fileId + "/content");
        assertThat(content.status()).as(content.toString()).isEqualTo(200);
        assertThat(content.body()).isEqualTo(text.toString());
        browser.awaitTrue("the page shows the stored file in the recent sagas and no upload in flight",
                "document.getElementById('recent-sagas').textContent.includes(" + quoted(fileId) + ")"
                        + " && document.querySelector('#uploads-rows .upload-name') === null");
    }

    @Test
    void keeps_the_last_content_and_marks_it_stale_when_the_server_is_gone() {
        browser.navigate(page());
        String instance = server.status().path("instance_id").asText();

        server.close();

        browser.awaitTrue("the stale badge shows", "!document.getElementById('stale-badge').classList.contains('d-none')");
        assertThat(browser.text("document.getElementById('instance-facts').textContent")).contains(instance);
        assertThat(browser.text("document.getElementById('storage-elements-rows').textContent")).contains("local-edit", "local-rw");
        server = TestServer.start();
    }

    private String page() {
        return server.uri("/").toString();
    }

    private String completedSagas() {
        return browser.text("""
                Array.from(document.querySelectorAll('#saga-counts dt'))
                  .find(term => term.textContent === 'Completed since start').nextElementSibling.textContent""");
    }

    private static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void assertScreenshot(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).as("a PNG file").startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(image.getWidth()).isEqualTo(WIDTH);
        assertThat(image.getHeight()).isEqualTo(HEIGHT);
        assertThat(distinctColours(image)).as("a styled page, not a blank one").isGreaterThan(50);
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
