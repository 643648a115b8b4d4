package io.artstore.ingester.server.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Serves the key set a test publishes at {@code /jwks.json} on 127.0.0.1, and counts its fetches. */
final class JwksServer implements AutoCloseable {

    private final AtomicReference<JWKSet> published;
    private final AtomicInteger fetches = new AtomicInteger();
    private final HttpServer server;

    private JwksServer(JWKSet initial) {
        this.published = new AtomicReference<>(initial);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    static JwksServer serving(JWKSet initial) {
        return new JwksServer(initial);
    }

    void publish(JWKSet keys) {
        published.set(keys);
    }

    int fetches() {
        return fetches.get();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
