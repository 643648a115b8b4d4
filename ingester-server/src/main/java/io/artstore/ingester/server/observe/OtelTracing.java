package io.artstore.ingester.server.observe;

import io.artstore.ingester.core.port.out.StageTiming;
import io.artstore.ingester.core.port.out.TraceContext;
import io.artstore.ingester.core.port.out.TraceSpan;
import io.artstore.ingester.core.port.out.Tracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The core's {@link Tracing} with OpenTelemetry spans. Spans that name a stage ({@link Tracing#STAGE}) and every
 * {@link StageTiming} are also timed by the {@link StageWatch}, which raises an alert when a stage drifts from its
 * baseline; that happens whether or not the span is sampled or exported.
 */
public final class OtelTracing implements Tracing {

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final StageWatch watch;

    public OtelTracing(Telemetry telemetry, StageWatch watch) {
        this.tracer = telemetry.tracer();
        this.propagator = telemetry.propagator();
        this.watch = Objects.requireNonNull(watch, "watch");
    }

    @Override
    public TraceSpan start(String name, Map<String, String> attributes) {
        SpanBuilder builder = tracer.spanBuilder(name);
        attributes.forEach(builder::setAttribute);
        Span span = builder.startSpan();
        Scope scope = span.makeCurrent();
        TraceMdc mdc = TraceMdc.put(span.getSpanContext());
        return new OtelSpan(span, scope, mdc, Optional.ofNullable(attributes.get(STAGE)),
                Optional.ofNullable(attributes.get(ELEMENT)), System.nanoTime());
    }

    @Override
    public void stage(StageTiming timing) {
        Span span = tracer.spanBuilder("upload." + timing.stage()).setStartTimestamp(timing.start())
                .setAttribute(STAGE, timing.stage())
                .setAttribute(BYTES, timing.bytes())
                .setAttribute("artstore.busy_ms", timing.busy().toNanos() / 1e6)
                .startSpan();
        timing.element().ifPresent(element -> span.setAttribute(ELEMENT, element));
        span.end(timing.end());
        watch.observe(timing.stage(), timing.element(), timing.busy(), timing.bytes());
    }

    @Override
    public void event(String name, Map<String, String> attributes) {
        Span.current().addEvent(name, attributes(attributes));
    }

    @Override
    public Optional<TraceContext> current() {
        if (!Span.current().getSpanContext().isValid()) {
            return Optional.empty();
        }
        Map<String, String> headers = new HashMap<>();
        propagator.inject(Context.current(), headers, Map::put);
        String traceparent = headers.get("traceparent");
        if (traceparent == null) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(traceparent, Optional.ofNullable(headers.get("tracestate")).filter(s -> !s.isEmpty())));
    }

    private static Attributes attributes(Map<String, String> values) {
        AttributesBuilder builder = Attributes.builder();
        values.forEach(builder::put);
        return builder.build();
    }

    private final class OtelSpan implements TraceSpan {
        private final Span span;
        private final Scope scope;
        private final TraceMdc mdc;
        private final Optional<String> stage;
        private final Optional<String> element;
        private final long began;
        private boolean failed;
        private boolean closed;

        OtelSpan(Span span, Scope scope, TraceMdc mdc, Optional<String> stage, Optional<String> element, long began) {
            this.span = span;
            this.scope = scope;
            this.mdc = mdc;
            this.stage = stage;
            this.element = element;
            this.began = began;
        }

        @Override
        public void attribute(String key, String value) {
            span.setAttribute(key, value);
        }

        @Override
        public void event(String name, Map<String, String> attributes) {
            span.addEvent(name, attributes(attributes));
        }

        @Override
        public void failed(Throwable failure) {
            failed = true;
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            long elapsed = System.nanoTime() - began;
            span.end();
            scope.close();
            mdc.close();
            // A failed call times how long it took to fail, not the stage's work: kept out of the baseline.
            if (!failed) {
                stage.ifPresent(name -> watch.observe(name, element, Duration.ofNanos(elapsed), 0));
            }
        }
    }
}
