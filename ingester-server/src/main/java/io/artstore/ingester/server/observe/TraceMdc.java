package io.artstore.ingester.server.observe;

import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * The current span's ids in the logging context ({@code trace_id}, {@code span_id}), so that every log line written
 * meanwhile names its trace; {@link #close()} puts back what was there before.
 */
public final class TraceMdc implements AutoCloseable {

    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";

    private final String previousTrace;
    private final String previousSpan;

    private TraceMdc(String previousTrace, String previousSpan) {
        this.previousTrace = previousTrace;
        this.previousSpan = previousSpan;
    }

    public static TraceMdc put(SpanContext span) {
        TraceMdc previous = new TraceMdc(MDC.get(TRACE_ID), MDC.get(SPAN_ID));
        if (span.isValid()) {
            MDC.put(TRACE_ID, span.getTraceId());
            MDC.put(SPAN_ID, span.getSpanId());
        }
        return previous;
    }

    @Override
    public void close() {
        restore(TRACE_ID, previousTrace);
        restore(SPAN_ID, previousSpan);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
