package io.artstore.ingester.server.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One multipart upload of generated content, its fields first so that the server streams the file through to the
 * storage element, sent in steps so that a test can act while it is in flight. Its length is computed, never
 * buffered; the caller reads the answer from {@link #finish()}'s connection.
 */
public final class StreamedUpload {

    private static final String BOUNDARY = "streamed-upload-boundary-7f3a";
    private static final int BUFFER_BYTES = 256 * 1024;

    private final GeneratedContent content;
    private final HttpURLConnection connection;
    private final byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
    private OutputStream body;
    private long sent;

    private StreamedUpload(GeneratedContent content, HttpURLConnection connection) {
        this.content = content;
        this.connection = connection;
    }

    /** Opens the request to {@code upload} (the upload route's URI); nothing is sent yet. */
    public static StreamedUpload open(URI upload, String mode, String fileName, GeneratedContent content,
            Duration readTimeout) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) upload.toURL().openConnection();
        StreamedUpload streamed = new StreamedUpload(content, connection);
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"target_mode\"\r\n\r\n" + mode + "\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
        connection.setFixedLengthStreamingMode(head.length + content.size() + streamed.tail.length);
        connection.setConnectTimeout(30_000);
        connection.setReadTimeout((int) readTimeout.toMillis());
        streamed.body = connection.getOutputStream();
        streamed.body.write(head);
        return streamed;
    }

    /**
     * Sends the content until {@code bytes} of it are sent in all (a multiple of 8, as the content is made in
     * 8-byte steps), and flushes it.
     */
    public StreamedUpload sendUpTo(long bytes) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        while (sent < bytes) {
            byte[] chunk = bytes - sent >= buffer.length ? buffer : new byte[(int) (bytes - sent)];
            int n = content.next(chunk);
            if (n < 0) {
                break;
            }
            body.write(chunk, 0, n);
            sent += n;
        }
        body.flush();
        return this;
    }

    /** Sends the rest of the content and the closing boundary; the answer is then the connection's to read. */
    public HttpURLConnection finish() throws IOException {
        sendUpTo(content.size());
        body.write(tail);
        body.close();
        return connection;
    }

    public long sent() {
        return sent;
    }

    /**
     * Sends an edit-mode upload's fields and the first {@code bytes} of its content, then holds the connection open
     * until {@code release}: for tests that kill the server under an upload, which is why a broken connection is
     * expected here rather than thrown.
     */
    public static void sendFirstThenHold(URI upload, GeneratedContent content, long bytes, CountDownLatch release) {
        try {
            open(upload, "edit", "large.bin", content, Duration.ofMinutes(2)).sendUpTo(bytes);
            release.await(2, TimeUnit.MINUTES);
        } catch (IOException e) {
            // The server was killed under the upload: expected.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
