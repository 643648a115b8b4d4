package io.artstore.ingester.server.http;

import java.time.Instant;
import java.util.Objects;

/** Who this server is: for the status document. */
public record ServiceInfo(String version, String instanceId, Instant startedAt) {

    public ServiceInfo {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
