package io.artstore.ingester.core.port.out;

import java.util.Map;
import java.util.Optional;

/**
 * Where the core reports what it is doing and how long it took: spans of the upload pipeline, of storage element
 * calls, of saga steps and of transfer phases. Implementations may trace, time or do nothing; they never throw.
 *
 * <p>A span started on a thread is that thread's current span until it is closed, so spans started meanwhile are its
 * children and {@link #current()} names it. Close spans on the thread that started them, innermost first
 * (try-with-resources does both).
 */
public interface Tracing {

    /** Attribute naming the pipeline stage a span times: receive, digest, compress, sign, store, catalogue, publish. */
    String STAGE = "artstore.stage";
    /** Attribute naming the storage element a span's work went to. */
    String ELEMENT = "artstore.storage_element";
    /** Attribute with the bytes a span's work moved. */
    String BYTES = "artstore.bytes";

    /** Starts a span, child of the current one, and makes it current until it is closed. */
    TraceSpan start(String name, Map<String, String> attributes);

    /** A streamed stage that ran interleaved with others, timed by its caller (its own time, not its wall time). */
    void stage(StageTiming timing);

    /** An event on the current span, e.g. a retry; nothing when no span is current. */
    void event(String name, Map<String, String> attributes);

    /** The W3C trace context of the current span, to carry to another process (an HTTP header, an event header). */
    Optional<TraceContext> current();

    default TraceSpan start(String name) {
        return start(name, Map.of());
    }

    /** Traces nothing. */
    Tracing NONE = new Tracing() {
        @Override
        public TraceSpan start(String name, Map<String, String> attributes) {
            return TraceSpan.NONE;
        }

        @Override
        public void stage(StageTiming timing) {
        }

        @Override
        public void event(String name, Map<String, String> attributes) {
        }

        @Override
        public Optional<TraceContext> current() {
            return Optional.empty();
        }
    };
}
