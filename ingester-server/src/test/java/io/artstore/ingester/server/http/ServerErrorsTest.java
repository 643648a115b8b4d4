package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Errors that Jetty raises before the request reaches a route (bad URI, bad or oversized headers, a bad request
 * line) and those of unknown paths and methods: every one answers with the API's JSON error body.
 */
class ServerErrorsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/files/%00", "/api/v1/files/%", "/api/v1/files/%zz", "/api/v1/files/a%00b/download"})
    void a_bad_uri_gets_the_json_envelope(String path) {
        Raw reply = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        reply.assertEnvelope(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/files/a%2Fb", "/api/v1/files/%2e%2e/x", "/..;/x", "/api/v1/files/a%5Cb", "//api/v1/files/x",
        "/api/v1/files/x?a=%", "/static/..%2f..%2fetc/passwd", "/api/v1/files/%C0%AE"})
    void an_odd_uri_gets_the_json_envelope_whoever_refuses_it(String path) {
        Raw reply = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(reply.status()).as(reply.toString()).isBetween(400, 499);
        reply.assertEnvelope(reply.status());
    }

    @Test
    void a_uri_too_long_gets_the_json_envelope() {
        Raw reply = raw("GET /api/v1/files/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        reply.assertEnvelope(414);
    }

    @Test
    void headers_too_large_get_the_json_envelope() {
        Raw reply = raw("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");

        reply.assertEnvelope(431);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /health/live HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\nConnection: close\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nHost: localhost\r\nContent-Length: many\r\nConnection: close\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n",
        "BREW /health/live HTTP/9.9\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    })
    void a_request_jetty_cannot_parse_gets_the_json_envelope(String request) {
        Raw reply = raw(request);

        assertThat(reply.status()).as(reply.toString()).isBetween(400, 505);
        reply.assertEnvelope(reply.status());
    }

    @Test
    void an_unknown_path_and_a_wrong_method_get_the_json_envelope() {
        Reply unknown = server.get("/api/v1/nothing-here");
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");
        assertThat(unknown.json().path("message").asText()).isNotBlank();

        Reply wrongMethod = server.send(HttpRequest.newBuilder(server.uri("/health/live"))
                .method("PUT", HttpRequest.BodyPublishers.noBody()));
        assertThat(wrongMethod.status()).as(wrongMethod.toString()).isIn(404, 405);
        assertThat(wrongMethod.json().path("code").asText()).isNotBlank();
        assertThat(wrongMethod.json().path("message").asText()).isNotBlank();
    }

    /** Sends bytes as they are, which java.net.http would refuse or repair, and reads the whole answer. */
    private static Raw raw(String request) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return Raw.parse(answer.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Raw(int status, String head, String body) {

        static Raw parse(String text) {
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + 4);
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new Raw(status, head, body);
        }

        private static String unchunk(String body) {
            StringBuilder out = new StringBuilder();
            int at = 0;
            while (true) {
                int eol = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
                if (size == 0) {
                    return out.toString();
                }
                out.append(body, eol + 2, eol + 2 + size);
                at = eol + 2 + size + 2;
            }
        }

        void assertEnvelope(int expectedStatus) {
            assertThat(status).as(toString()).isEqualTo(expectedStatus);
            assertThat(head.toLowerCase(Locale.ROOT)).as(toString()).contains("content-type: application/json");
            JsonNode json;
            try {
                json = MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + this, e);
            }
            assertThat(json.path("code").asText()).as(toString()).isNotBlank();
            assertThat(json.path("message").asText()).as(toString()).isNotBlank();
            assertThat(json.path("detail").asText()).as(toString()).isNotBlank();
        }

        @Override
        public String toString() {
            return head + "\n\n" + body;
        }
    }
}
