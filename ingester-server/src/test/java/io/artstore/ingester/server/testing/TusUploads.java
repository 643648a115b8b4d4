package io.artstore.ingester.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the resumable-upload tests share: source files, digests, and finding the file a finished upload became. */
public final class TusUploads {

    /** The tus 1.0 endpoint of the ingester. */
    public static final String ENDPOINT = "/api/v1/uploads";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FILE_LOCATION = Pattern.compile("/api/v1/files/([^/?#\\s>]+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TusUploads() {}

    /** Writes {@code size} deterministic pseudo-random bytes to {@code file}; answers their SHA-256 in hex. */
    public static String writeSource(Path file, long size, long seed) {
        GeneratedContent content = new GeneratedContent(size, seed);
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = content.next(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return content.sha256();
    }

    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The id of the file a finished upload became, as the server names it on {@code HEAD}: its
     * {@code X-ArtStore-File-Id}, or a {@code Link} under {@code /api/v1/files/}; else the upload's progress document
     * ({@code GET}, {@code file_id}).
     */
    public static Optional<String> fileIdOf(URI upload) {
        HttpResponse<String> head = send(HttpRequest.newBuilder(upload).header("Tus-Resumable", "1.0.0")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        Optional<String> named = head.headers().firstValue("X-ArtStore-File-Id");
        if (named.isPresent()) {
            return named;
        }
        for (String name : new String[] {"Location", "Link", "Content-Location"}) {
            for (String value : head.headers().allValues(name)) {
                Matcher matcher = FILE_LOCATION.matcher(value);
                if (matcher.find()) {
                    return Optional.of(matcher.group(1));
                }
            }
        }
        HttpResponse<String> progress = send(HttpRequest.newBuilder(upload).header("Accept", "application/json").GET());
        if (progress.statusCode() == 200) {
            try {
                JsonNode json = JSON.readTree(progress.body());
                String id = json.path("file_id").asText("");
                return id.isEmpty() ? Optional.empty() : Optional.of(id);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
