package io.artstore.ingester.core.port.out;

import java.util.Map;

/** One span of {@link Tracing}; {@link #close()} ends it and makes its parent current again. */
public interface TraceSpan extends AutoCloseable {

    void attribute(String key, String value);

    void event(String name, Map<String, String> attributes);

    /** Marks the span as failed with what was thrown; the span still has to be closed. */
    void failed(Throwable failure);

    @Override
    void close();

    /** Records nothing. */
    TraceSpan NONE = new TraceSpan() {
        @Override
        public void attribute(String key, String value) {
        }

        @Override
        public void event(String name, Map<String, String> attributes) {
        }

        @Override
        public void failed(Throwable failure) {
        }

        @Override
        public void close() {
        }
    };
}
