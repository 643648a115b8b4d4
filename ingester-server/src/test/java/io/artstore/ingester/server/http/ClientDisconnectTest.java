package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A client that goes away half-way through its upload leaves nothing behind, whichever path the bytes took. */
class ClientDisconnectTest {

    private static final int FILE_SIZE = 4 * 1024 * 1024;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_streamed_upload_cut_off_half_way_leaves_nothing() throws IOException {
        Multipart form = Multipart.form().field("target_mode", "edit").file("half.bin", Content.random(FILE_SIZE));

        sendHalfThenDisconnect(form, "the bytes are being written on the storage element", () -> !partialFiles().isEmpty(),
                () -> {
                    assertThat(server.spoolFiles()).as("streamed, not spooled").isEmpty();
                    assertThat(server.outstandingBytes()).as("space reserved for the upload").isPositive();
                });

        assertNothingLeftEventually();
    }

    @Test
    void a_spooled_upload_cut_off_half_way_leaves_nothing() throws IOException {
        Multipart form = Multipart.form().file("half.bin", Content.random(FILE_SIZE)).field("target_mode", "edit");

        sendHalfThenDisconnect(form, "the file part is being spooled", () -> !server.spoolFiles().isEmpty(),
                () -> assertThat(partialFiles()).as("nothing on the storage element before the fields are read").isEmpty());

        assertNothingLeftEventually();
    }

    /** Sends the headers for the whole body and half of the body, waits until the server is at work on it, and closes. */
    private static void sendHalfThenDisconnect(Multipart form, String inProgress, BooleanSupplier serverAtWork,
            Runnable whileAtWork) throws IOException {
        byte[] body = form.bytes();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/files/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + form.contentType()
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            TestServer.await(inProgress, serverAtWork);
            whileAtWork.run();
            socket.setSoLinger(true, 0);
        }
    }

    /** Files being written in the storage elements' folders. */
    private static List<Path> partialFiles() {
        return server.files().stream().filter(file -> file.startsWith(server.dataDir().resolve("storage"))).toList();
    }

    private static void assertNothingLeftEventually() {
        TestServer.await("the server has cleaned up after the cut-off upload",
                () -> server.outstandingBytes() == 0 && server.files().isEmpty());
        List<Path> files = server.files();
        assertThat(files).isEmpty();
        assertThat(server.outstandingBytes()).isZero();
        assertThat(server.get("/health/ready").status()).isEqualTo(200);
    }
}
