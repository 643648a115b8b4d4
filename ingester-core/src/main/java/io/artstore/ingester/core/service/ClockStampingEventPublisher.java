package io.artstore.ingester.core.service;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileClocks;
import io.artstore.ingester.core.port.out.FileEvent;
import java.util.Objects;

/**
 * Stamps every file event with this instance's vector clock, ticked once per event, before handing it on; and
 * records that clock as the file's last change, since every change to a file publishes an event.
 */
public final class ClockStampingEventPublisher implements EventPublisher {

    private final EventPublisher delegate;
    private final LocalClock clock;
    private final FileClocks lastChanges;

    public ClockStampingEventPublisher(EventPublisher delegate, LocalClock clock, FileClocks lastChanges) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lastChanges = Objects.requireNonNull(lastChanges, "lastChanges");
    }

    @Override
    public void publish(FileEvent event) {
        // An event arriving stamped (republished by recovery) keeps what it saw; the tick orders it after that.
        VectorClock stamp = clock.receive(event.clock());
        delegate.publish(event.withClock(stamp));
        lastChanges.recordChange(event.fileId(), stamp);
    }

    @Override
    public boolean published(FileId fileId, FileEvent.Type type) {
        return delegate.published(fileId, type);
    }
}
