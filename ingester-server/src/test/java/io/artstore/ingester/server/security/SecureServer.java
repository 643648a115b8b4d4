package io.artstore.ingester.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A test server with authentication on, checking tokens with the public half of {@link #keys()}. */
final class SecureServer implements AutoCloseable {

    private final Keys keys;
    private final Path keyFile;
    private final TestServer server;

    private SecureServer(Keys keys, Path keyFile, TestServer server) {
        this.keys = keys;
        this.keyFile = keyFile;
        this.server = server;
    }

    /** @param env more variables, name and value in turn */
    static SecureServer start(Path folder, String... env) {
        Keys keys = Keys.generate();
        Path keyFile = keys.writePublicPem(folder.resolve("public_key.pem"));
        TestServer.Builder builder = TestServer.builder().env("AUTH_ENABLED", "on").env("AUTH_PUBLIC_KEY_PATH", keyFile.toString());
        for (int i = 0; i < env.length; i += 2) {
            builder.env(env[i], env[i + 1]);
        }
        return new SecureServer(keys, keyFile, builder.start());
    }

    Keys keys() {
        return keys;
    }

    Path keyFile() {
        return keyFile;
    }

    TestServer server() {
        return server;
    }

    /** A token of {@code role} for an account named {@code name}, by nimbus. */
    String token(String role, String name) {
        return Tokens.nimbus(keys, Tokens.claims(role, name));
    }

    Reply upload(String token, Multipart form) {
        return upload(token, "", form);
    }

    Reply upload(String token, String query, Multipart form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/api/v1/files/upload" + query))
                .header("Content-Type", form.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.send(request);
    }

    static Multipart smallFile() {
        return Multipart.form().field("target_mode", "edit").file("a.txt", Content.random(1000));
    }

    Reply get(String token, String path) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token).GET());
    }

    Reply delete(String token, String path) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token).DELETE());
    }

    Reply postJson(String token, String path, String json) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /**
     * Everything a request could have changed: the files of the storage elements, the catalogue, the spool and the
     * saga log, each with its bytes, and the space reserved for uploads.
     */
    State state() {
        Map<Path, Integer> files = new TreeMap<>();
        for (Path file : server.files()) {
            files.put(file, java.util.Arrays.hashCode(bytes(file)));
        }
        Path sagas = server.dataDir().resolve("sagas");
        if (Files.isDirectory(sagas)) {
            try (Stream<Path> walk = Files.walk(sagas)) {
                walk.filter(Files::isRegularFile).forEach(file -> files.put(file, java.util.Arrays.hashCode(bytes(file))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new State(files, server.outstandingBytes());
    }

    record State(Map<Path, Integer> files, long reservedBytes) {}

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertUnauthorized(Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("invalid_token");
        assertThat(reply.headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("Bearer error=\"invalid_token\", error_description=\"");
    }

    static List<String> lines(String text) {
        return text.lines().toList();
    }

    @Override
    public void close() {
        server.close();
    }
}
