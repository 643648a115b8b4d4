package io.artstore.ingester.core.port.out;

import java.util.List;

/**
 * File events waiting to be sent to a broker, kept durably until the broker has them: the publish step of a saga
 * writes here, and a relay sends what it finds, oldest first, and acknowledges what the broker took. Thread-safe.
 *
 * <p>Bounded: {@link #status()} says when it holds its configured maximum, and the server then refuses new
 * operations rather than let their events be lost; {@link #append} itself never refuses, because the operation
 * that produced the event has happened already.
 */
public interface EventOutbox {

    /**
     * Keeps the event durably; once this returns it will be offered by {@link #oldest} until acknowledged.
     *
     * @throws io.artstore.ingester.core.domain.IngestException when it cannot be kept
     */
    void append(OutboxEvent event);

    /**
     * Up to {@code max} events not yet acknowledged, in the order they were appended. Empty when there are none
     * (or, in a cluster, while another instance relays).
     */
    List<OutboxEvent> oldest(int max);

    /**
     * Forgets the events given, which must be the oldest ones as {@link #oldest} returned them: the broker has
     * them. Storage they held is reclaimed (compaction). Events not in the outbox are ignored.
     */
    void acknowledge(List<OutboxEvent> sent);

    OutboxStatus status();
}
