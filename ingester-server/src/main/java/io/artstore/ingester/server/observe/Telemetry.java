package io.artstore.ingester.server.observe;

import io.artstore.ingester.server.config.TracingSettings;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK of one server: its tracer, its propagator (W3C trace context) and, when asked, the OTLP
 * exporter. Built by the SDK's autoconfiguration, so that every standard {@code OTEL_*} variable applies (a sampler,
 * headers for the collector, timeouts); the four the ingester documents come from its configuration (file and
 * environment, the environment winning) and override what autoconfiguration would read. Metrics and logs are not
 * exported through OpenTelemetry.
 */
public final class Telemetry implements AutoCloseable {

    static final String INSTRUMENTATION = "io.artstore.ingester";

    private final OpenTelemetrySdk sdk;
    private final TextMapPropagator propagator;

    private Telemetry(OpenTelemetrySdk sdk, TextMapPropagator propagator) {
        this.sdk = sdk;
        this.propagator = propagator;
    }

    /** From the configuration: {@code otlp} exports spans, {@code none} keeps them in the process (ids for logs). */
    public static Telemetry configured(TracingSettings settings) {
        Map<String, String> ours = new LinkedHashMap<>();
        ours.put("otel.traces.exporter", settings.exporter().wireName());
        ours.put("otel.exporter.otlp.protocol", settings.protocol().wireName());
        settings.endpoint().ifPresent(endpoint -> ours.put("otel.exporter.otlp.endpoint", endpoint.toString()));
        ours.put("otel.service.name", settings.serviceName());
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
                .addPropertiesCustomizer(config -> ours)
                .addTracerProviderCustomizer((builder, config) -> builder.addSpanProcessor(new KeepIds()))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        return new Telemetry(sdk, sdk.getPropagators().getTextMapPropagator());
    }

    /**
     * Does nothing with spans; its presence alone keeps the SDK making real spans, with trace ids for logs and error
     * bodies, when no exporter is configured (a provider without any processor hands out invalid spans).
     */
    private static final class KeepIds implements SpanProcessor {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
        }

        @Override
        public boolean isEndRequired() {
            return false;
        }
    }

    /** With a tracer provider of the caller's, e.g. one that exports to memory in a test. */
    public static Telemetry of(SdkTracerProvider provider) {
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        return new Telemetry(sdk, W3CTraceContextPropagator.getInstance());
    }

    public Tracer tracer() {
        return sdk.getTracer(INSTRUMENTATION);
    }

    /** Reads and writes {@code traceparent} and {@code tracestate}. */
    public TextMapPropagator propagator() {
        return propagator;
    }

    /** Sends what is still buffered, within a few seconds, and stops the exporter. */
    @Override
    public void close() {
        sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
}
