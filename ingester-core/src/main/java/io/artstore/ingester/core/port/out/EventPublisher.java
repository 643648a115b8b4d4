package io.artstore.ingester.core.port.out;

/** Tells the rest of ArtStore what happened to files. Returns once the event is durably handed over. */
public interface EventPublisher {

    void publish(FileEvent event);
}
