package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The system's headless Chromium driven over the DevTools protocol (a WebSocket from the JDK's HttpClient): navigate,
 * evaluate script, set a file input's files, emulate a browser without JavaScript, take screenshots. One page per
 * browser; the browser process is ended on close.
 */
final class DevToolsBrowser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private DevToolsBrowser(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Starts Chromium with a fresh profile and a viewport of the given size. */
    static DevToolsBrowser launch(Path workDir, int width, int height) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        Process process = new ProcessBuilder(List.of(HeadlessChromium.EXECUTABLE.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            CompletableFuture<String> endpoint = new CompletableFuture<>();
            StringBuilder log = new StringBuilder();
            Thread reader = new Thread(() -> readStderr(process, endpoint, log), "chromium-stderr");
            reader.setDaemon(true);
            reader.start();
            String browserUrl;
            try {
                browserUrl = endpoint.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("chromium did not open its DevTools port: " + log, e);
            }
            URI browser = URI.create(browserUrl);
            HttpClient http = HttpClient.newHttpClient();
            String targets = http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list"))
                    .timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body();
            String pageUrl = null;
            for (JsonNode target : JSON.readTree(targets)) {
                if (target.path("type").asText().equals("page")) {
                    pageUrl = target.path("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            if (pageUrl == null) {
                throw new IllegalStateException("chromium has no page target: " + targets);
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), listener)
                    .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            DevToolsBrowser session = new DevToolsBrowser(process, profile, socket);
            listener.session = session;
            session.call("Page.enable", JSON.createObjectNode());
            session.call("Runtime.enable", JSON.createObjectNode());
            session.call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode()
                    .put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
            return session;
        } catch (IOException | InterruptedException | RuntimeException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            deleteTree(profile);
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e);
        }
    }

    private static void readStderr(Process process, CompletableFuture<String> endpoint, StringBuilder log) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (log) {
                    if (log.length() < 20_000) {
                        log.append(line).append('\n');
                    }
                }
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    endpoint.complete(matcher.group(1));
                }
            }
        } catch (IOException e) {
            endpoint.completeExceptionally(e);
        }
        endpoint.completeExceptionally(new IllegalStateException("chromium exited: " + log));
    }

    /** Calls a DevTools method and returns its result; a protocol error fails the call. */
    JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(message.toString(), true).join();
        JsonNode answer;
        try {
            answer = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(method + " got no answer", e);
        } finally {
            pending.remove(id);
        }
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.path("error"));
        }
        return answer.path("result");
    }

    /** Opens the URL and waits until the page has loaded (its deferred scripts have run). */
    void navigate(String url) {
        JsonNode result = call("Page.navigate", JSON.createObjectNode().put("url", url));
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("cannot open " + url + ": " + result.path("errorText").asText());
        }
        String expected = JSON.valueToTree(url).toString();
        awaitTrue("the page " + url + " loaded", "document.readyState === 'complete' && location.href === " + expected);
    }

    /** Runs the expression in the page (awaiting a promise) and returns its value as JSON. */
    JsonNode evaluate(String expression) {
        JsonNode result = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on " + expression + ": " + result.path("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    String text(String expression) {
        return evaluate(expression).asText();
    }

    /** Polls the expression until it is true; fails at the deadline with what it was waiting for. */
    void awaitTrue(String what, String expression) {
        awaitTrue(what, expression, Duration.ofSeconds(30));
    }

    void awaitTrue(String what, String expression, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!evaluate(expression).asBoolean(false)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what + " (" + expression + ")");
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** The page's serialised DOM as it is now; works with JavaScript off too. */
    String html() {
        int root = call("DOM.getDocument", JSON.createObjectNode()).path("root").path("nodeId").asInt();
        return call("DOM.getOuterHTML", JSON.createObjectNode().put("nodeId", root)).path("outerHTML").asText();
    }

    /** As a browser with JavaScript turned off, for the pages opened from now on. */
    void disableJavaScript() {
        call("Emulation.setScriptExecutionDisabled", JSON.createObjectNode().put("value", true));
    }

    /** The visible part of the page as a PNG. */
    byte[] screenshot() {
        return Base64.getDecoder().decode(call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"))
                .path("data").asText());
    }

    /** The whole page, beyond the viewport, as a PNG. */
    byte[] fullPageScreenshot() {
        JsonNode size = call("Page.getLayoutMetrics", JSON.createObjectNode()).path("cssContentSize");
        ObjectNode params = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        params.putObject("clip").put("x", 0).put("y", 0).put("width", size.path("width").asDouble())
                .put("height", size.path("height").asDouble()).put("scale", 1);
        return Base64.getDecoder().decode(call("Page.captureScreenshot", params).path("data").asText());
    }

    /** Chooses the file in the file input that the selector finds, as a person would; the input fires its change event. */
    void setFile(String selector, Path file) {
        int root = call("DOM.getDocument", JSON.createObjectNode()).path("root").path("nodeId").asInt();
        int node = call("DOM.querySelector", JSON.createObjectNode().put("nodeId", root).put("selector", selector))
                .path("nodeId").asInt();
        if (node == 0) {
            throw new AssertionError("no element matches " + selector);
        }
        ObjectNode params = JSON.createObjectNode().put("nodeId", node);
        params.putArray("files").add(file.toAbsolutePath().toString());
        call("DOM.setFileInputFiles", params);
    }

    @Override
    public void close() throws IOException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The processes are ended below either way.
        }
        // Chromium's helper processes write to the profile until they end: end them all before deleting it.
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle helper : helpers) {
                try {
                    helper.onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    helper.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            helpers.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
        deleteTree(profile);
    }

    private void received(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pending.get(message.path("id").asInt());
            if (reply != null) {
                reply.complete(message);
            }
        }
    }

    /** Collects the frames of each message; DevTools sends large results (screenshots) in several. */
    private static final class Listener implements WebSocket.Listener {

        volatile DevToolsBrowser session;
        private final StringBuilder buffer = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                String text = buffer.toString();
                buffer.setLength(0);
                DevToolsBrowser current = session;
                if (current != null) {
                    current.received(text);
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
