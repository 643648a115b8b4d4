package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upload refused from its headers alone is answered before its body is read. A client that keeps sending the
 * body meanwhile, as most do, must still receive the whole answer: closing the connection with the body's bytes
 * unread in the socket would make the kernel send a reset, which can reach the client before it has read the
 * answer. Each case is repeated because the reset depends on timing.
 */
class EarlyRefusalTest {

    private static final int MAX_FILE_SIZE = 1024 * 1024;
    private static final int BODY_BYTES = 8 * MAX_FILE_SIZE;
    private static final int ROUNDS = 10;
    private static final String BOUNDARY = "early-refusal-boundary";

    private static TestServer server;
    private static ExecutorService senders;

    @BeforeAll
    static void start() {
        server = TestServer.builder().env("MAX_FILE_SIZE", String.valueOf(MAX_FILE_SIZE)).start();
        senders = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        senders.shutdownNow();
        server.close();
    }

    @Test
    void a_client_that_keeps_sending_a_too_large_multipart_body_receives_the_413() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String answer = exchange("", "multipart/form-data; boundary=" + BOUNDARY);
            assertRefused(answer, round);
        }
    }

    @Test
    void a_client_that_keeps_sending_a_too_large_raw_body_receives_the_413() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String answer = exchange("?target_mode=edit&filename=big.bin", "application/octet-stream");
            assertRefused(answer, round);
        }
    }

    private static void assertRefused(String answer, int round) {
        assertThat(answer).as("round %d", round).startsWith("HTTP/1.1 413 ");
        assertThat(answer).as("round %d", round).containsIgnoringCase("connection: close");
        assertThat(answer).as("round %d", round).contains("\"code\":\"file_too_large\"").endsWith("}");
    }

    /** Sends the headers, then the body from another thread while this one reads the answer to its end. */
    private static String exchange(String query, String contentType) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/files/upload" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType + "\r\n"
                    + "Content-Length: " + BODY_BYTES + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> send(out), senders);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                answer.write(buffer, 0, n);
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            assertThat(sent).as("the body was sent whole; the answer: %s", text).succeedsWithin(Duration.ofSeconds(30));
            return text;
        }
    }

    /** Writes the whole body, as a client that does not watch for an early answer does. */
    private static void send(OutputStream out) {
        byte[] chunk = new byte[64 * 1024];
        try {
            for (int written = 0; written < BODY_BYTES; written += chunk.length) {
                out.write(chunk);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the server reset the connection while the body was being sent", e);
        }
    }
}
