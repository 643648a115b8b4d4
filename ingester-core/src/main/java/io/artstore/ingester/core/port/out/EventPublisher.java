package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileId;

/** Tells the rest of ArtStore what happened to files. Returns once the event is durably handed over. */
public interface EventPublisher {

    void publish(FileEvent event);

    /**
     * True when an event of this type about this file has been published. A saga step asks it before it
     * publishes again after an attempt that may have taken effect, so that each event goes out exactly once.
     */
    boolean published(FileId fileId, FileEvent.Type type);
}
