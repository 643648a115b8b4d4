package io.artstore.ingester.server.config;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where traces go, with the OpenTelemetry variables' meanings: {@code OTEL_TRACES_EXPORTER} (otlp or none, the
 * default), {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_PROTOCOL} (http/protobuf, the default, or
 * grpc) and {@code OTEL_SERVICE_NAME}.
 *
 * @param endpoint the collector's base URL; the exporter's default (localhost, 4318 or 4317) when empty
 */
public record TracingSettings(Exporter exporter, Optional<URI> endpoint, Protocol protocol, String serviceName) {

    public static final String DEFAULT_SERVICE_NAME = "artstore-ingester";
    public static final TracingSettings OFF = new TracingSettings(Exporter.NONE, Optional.empty(), Protocol.HTTP_PROTOBUF,
            DEFAULT_SERVICE_NAME);

    /** Whether spans leave the process. */
    public enum Exporter {
        NONE, OTLP;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The OTLP transport, by its OpenTelemetry name. */
    public enum Protocol {
        HTTP_PROTOBUF("http/protobuf"), GRPC("grpc");

        private final String wireName;

        Protocol(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Protocol parse(String text) {
            for (Protocol protocol : values()) {
                if (protocol.wireName.equalsIgnoreCase(text.trim())) {
                    return protocol;
                }
            }
            throw new IllegalArgumentException("must be http/protobuf or grpc, got '" + text + "'");
        }
    }

    public TracingSettings {
        Objects.requireNonNull(exporter, "exporter");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(serviceName, "serviceName");
        if (serviceName.isBlank()) {
            throw new IllegalArgumentException("the service name must not be blank");
        }
    }
}
