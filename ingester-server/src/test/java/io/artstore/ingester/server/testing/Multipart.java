package io.artstore.ingester.server.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds a multipart/form-data body with its parts in exactly the order they are added. */
public final class Multipart {

    private final String boundary = "----test-boundary-" + UUID.randomUUID();
    private final List<byte[]> parts = new ArrayList<>();

    public static Multipart form() {
        return new Multipart();
    }

    public Multipart field(String name, String value) {
        parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public Multipart file(String filename, byte[] content) {
        return file("file", filename, "application/octet-stream", content);
    }

    public Multipart file(String name, String filename, String contentType, byte[] content) {
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        part.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        part.writeBytes(content);
        part.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        parts.add(part.toByteArray());
        return this;
    }

    /**
     * A part with exactly these header lines (each without its CRLF), for headers that {@link #file} cannot
     * write: a {@code filename*}, a NUL byte, no filename at all.
     */
    public Multipart part(List<String> headers, byte[] content) {
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        part.writeBytes(("--" + boundary + "\r\n" + String.join("\r\n", headers) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        part.writeBytes(content);
        part.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        parts.add(part.toByteArray());
        return this;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public String boundary() {
        return boundary;
    }

    /** The body up to, not including, the closing boundary; for bodies that a test sends only in part. */
    public byte[] head() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        parts.forEach(body::writeBytes);
        return body.toByteArray();
    }

    public byte[] bytes() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(head());
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }
}
