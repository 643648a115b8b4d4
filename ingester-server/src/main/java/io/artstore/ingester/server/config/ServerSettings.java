package io.artstore.ingester.server.config;

import java.util.Objects;

/** Where the HTTP API listens. Port 0 takes any free port. */
public record ServerSettings(String host, int port) {

    public static final int DEFAULT_PORT = 8020;
    /** Embedded mode has no authentication, so by default only this machine may connect. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    public ServerSettings {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
    }
}
