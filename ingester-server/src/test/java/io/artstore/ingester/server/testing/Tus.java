package io.artstore.ingester.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.IngesterServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A small tus 1.0 client over the JDK's HttpClient, for tests: each call is one request, as a tus client sends it. */
public final class Tus {

    public static final String PATH = "/api/v1/uploads";
    private final Function<HttpRequest.Builder, Reply> send;
    private final Function<String, URI> uri;

    public Tus(TestServer server) {
        this(server::send, server::uri);
    }

    public Tus(Function<HttpRequest.Builder, Reply> send, Function<String, URI> uri) {
        this.send = send;
        this.uri = uri;
    }

    /** A client of a server started on its own (not through {@link TestServer}), each request bounded by {@code timeout}. */
    public static Tus against(IngesterServer server, Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + server.port());
        return new Tus(request -> {
            try {
                HttpResponse<String> response = http.send(request.timeout(timeout).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                return new Reply(response.statusCode(), response.headers(), response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, base::resolve);
    }

    public static Map<String, String> fields(String... keysAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return fields;
    }

    public static String metadata(Map<String, String> fields) {
        List<String> pairs = new ArrayList<>();
        fields.forEach((key, value) -> pairs.add(key + " " + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        return String.join(",", pairs);
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri.apply(path)).header("Tus-Resumable", "1.0.0");
    }

    public Reply send(HttpRequest.Builder request) {
        return send.apply(request);
    }

    /** POST with {@code Upload-Length}; answers 201 with the upload's path in {@code Location}. */
    public Reply create(long length, Map<String, String> fields) {
        return send(request(PATH).header("Upload-Length", Long.toString(length)).header("Upload-Metadata", metadata(fields))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    public String created(long length, Map<String, String> fields) {
        Reply reply = create(length, fields);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.headers().firstValue("Location").orElseThrow();
    }

    public Reply head(String upload) {
        return send(request(upload).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    public long offset(String upload) {
        Reply reply = head(upload);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return Long.parseLong(reply.headers().firstValue("Upload-Offset").orElseThrow());
    }

    public HttpRequest.Builder patchRequest(String upload, long offset, byte[] bytes) {
        return request(upload).header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    public Reply patch(String upload, long offset, byte[] bytes) {
        return send(patchRequest(upload, offset, bytes));
    }

    /** Sends {@code content} from 0 in chunks of {@code chunk} bytes; the last reply. */
    public Reply patchAll(String upload, byte[] content, int chunk) {
        Reply last = null;
        for (int offset = 0; offset < content.length; offset += chunk) {
            byte[] part = Arrays.copyOfRange(content, offset, Math.min(content.length, offset + chunk));
            last = patch(upload, offset, part);
            assertThat(last.status()).as(last.toString()).isIn(200, 204);
            assertThat(last.headers().firstValue("Upload-Offset")).contains(Long.toString(offset + part.length));
        }
        return last;
    }

    public static String base64Digest(String algorithm, byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
