package io.artstore.ingester.server.observe;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * One server span per request, child of the client's W3C trace context ({@code traceparent}, {@code tracestate}) when
 * it sent one. The span is current while the request is handled, so the core's spans are its children and every log
 * line names its trace ({@link TraceMdc}); the response's {@value #HEADER} header names the trace too.
 */
public final class TraceFilter implements Filter {

    public static final String HEADER = "X-Trace-Id";

    /** Ids in paths (files, sagas, transfers) would make a span name per request: they read as {id}. */
    private static final Pattern ID_SEGMENT = Pattern.compile("/(?=[^/]*\\d)[0-9A-Za-z_-]{16,}");

    private static final TextMapGetter<HttpServletRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public String get(HttpServletRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public TraceFilter(Telemetry telemetry) {
        this.tracer = telemetry.tracer();
        this.propagator = telemetry.propagator();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        Context parent = propagator.extract(Context.root(), request, HEADERS);
        String route = ID_SEGMENT.matcher(request.getRequestURI()).replaceAll("/{id}");
        Span span = tracer.spanBuilder(request.getMethod() + " " + route).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", request.getMethod())
                .setAttribute("url.path", request.getRequestURI())
                .startSpan();
        response.setHeader(HEADER, span.getSpanContext().getTraceId());
        Scope scope = span.makeCurrent();
        TraceMdc mdc = TraceMdc.put(span.getSpanContext());
        try {
            chain.doFilter(request, response);
            int status = response.getStatus();
            span.setAttribute("http.response.status_code", status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
        } catch (IOException | ServletException | RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            mdc.close();
            scope.close();
            span.end();
        }
    }
}
