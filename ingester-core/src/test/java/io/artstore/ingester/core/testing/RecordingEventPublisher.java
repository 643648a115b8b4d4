package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileEvent;
import java.util.ArrayList;
import java.util.List;

/** Keeps the events published, in order. */
public final class RecordingEventPublisher implements EventPublisher {

    private final List<FileEvent> published = new ArrayList<>();

    @Override
    public synchronized void publish(FileEvent event) {
        published.add(event);
    }

    public synchronized List<FileEvent> published() {
        return List.copyOf(published);
    }
}
