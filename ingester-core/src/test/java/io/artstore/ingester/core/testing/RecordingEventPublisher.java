package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileEvent;
import java.util.ArrayList;
import java.util.List;

/** Keeps the events published, in order; publishing passes through {@link Faults} as {@code events.publish}. */
public final class RecordingEventPublisher implements EventPublisher {

    private final Faults faults;
    private final List<FileEvent> published = new ArrayList<>();

    public RecordingEventPublisher() {
        this(new Faults());
    }

    public RecordingEventPublisher(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void publish(FileEvent event) {
        faults.around("events.publish", () -> {
            synchronized (this) {
                published.add(event);
            }
        });
    }

    @Override
    public synchronized boolean published(FileId fileId, FileEvent.Type type) {
        return published.stream().anyMatch(event -> event.fileId().equals(fileId) && event.type() == type);
    }

    public synchronized List<FileEvent> published() {
        return List.copyOf(published);
    }
}
