package io.artstore.ingester.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slow clients and oversized headers are cut off by Jetty's limits, before any route is reached. */
class SlowClientTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().env("INGESTER_REQUEST_HEADER_TIMEOUT", "1s").env("INGESTER_IDLE_TIMEOUT", "2s")
                .env("INGESTER_MAX_REQUEST_HEADER_SIZE", "8KiB").start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_client_that_trickles_its_headers_is_disconnected_after_the_header_timeout() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // A header byte every 200 ms: never idle for the idle timeout, never done.
            trickle.scheduleAtFixedRate(() -> {
                try {
                    out.write('X');
                    out.flush();
                } catch (IOException closed) {
                    // the server hung up, as it should
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            socket.setSoTimeout(10_000);
            long started = System.nanoTime();
            InputStream in = socket.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the slow client was still connected after 10 s", e);
            } catch (IOException reset) {
                read = -1;
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertThat(read).as("the server closed the connection without answering").isEqualTo(-1);
            assertThat(seconds).isLessThan(5);
        } finally {
            trickle.shutdownNow();
        }
        assertThat(server.get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void a_client_with_complete_headers_is_not_cut_off_by_the_header_timeout() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void an_oversized_header_is_refused_with_431() {
        Reply reply = server.send(HttpRequest.newBuilder(server.uri("/api/v1/status")).header("X-Padding", "a".repeat(16 * 1024)).GET());
        assertThat(reply.status()).isEqualTo(431);
        assertThat(server.get("/api/v1/status").status()).isEqualTo(200);
    }
}
