package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.Tracing;
import java.util.Objects;

/**
 * Gives each event the trace context of the operation publishing it (the current span), so that a consumer can join
 * the event to the request's trace; an event that carries one already keeps it.
 */
public final class TraceStampingEventPublisher implements EventPublisher {

    private final EventPublisher next;
    private final Tracing tracing;

    public TraceStampingEventPublisher(EventPublisher next, Tracing tracing) {
        this.next = Objects.requireNonNull(next, "next");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
    }

    @Override
    public void publish(FileEvent event) {
        next.publish(event.traceParent().isPresent() ? event
                : tracing.current().map(context -> event.withTraceParent(context.traceparent())).orElse(event));
    }

    @Override
    public boolean published(FileId fileId, FileEvent.Type type) {
        return next.published(fileId, type);
    }
}
