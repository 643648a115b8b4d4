package io.artstore.ingester.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.TraceContext;
import io.artstore.ingester.core.port.out.Tracing;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import io.artstore.ingester.core.testing.RecordingTracing;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraceStampingEventPublisherTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final RecordingEventPublisher delegate = new RecordingEventPublisher();

    @Test
    void an_event_carries_the_trace_context_current_when_it_is_published() {
        new TraceStampingEventPublisher(delegate, new RecordingTracing(Optional.of(new TraceContext(TRACEPARENT, Optional.empty()))))
                .publish(event());

        assertThat(delegate.published()).singleElement().extracting(FileEvent::traceParent).isEqualTo(Optional.of(TRACEPARENT));
    }

    @Test
    void without_a_current_trace_the_event_goes_as_it_is() {
        new TraceStampingEventPublisher(delegate, Tracing.NONE).publish(event());

        assertThat(delegate.published()).singleElement().extracting(FileEvent::traceParent).isEqualTo(Optional.empty());
    }

    @Test
    void an_event_that_carries_a_trace_keeps_it() {
        String own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        new TraceStampingEventPublisher(delegate, new RecordingTracing(Optional.of(new TraceContext(TRACEPARENT, Optional.empty()))))
                .publish(event().withTraceParent(own));

        assertThat(delegate.published()).singleElement().extracting(FileEvent::traceParent).isEqualTo(Optional.of(own));
    }

    private static FileEvent event() {
        return new FileEvent(FileEvent.Type.FILE_ADDED, FileId.random(), StorageElementId.of("se-1"), Mode.EDIT, 3,
                new Sha256("00".repeat(32)), Instant.parse("2026-12-07T08:00:00Z"));
    }
}
