package io.artstore.ingester.server.events;

import io.artstore.ingester.core.port.out.EventOutbox;
import io.artstore.ingester.core.port.out.OutboxEvent;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what a source holds — the event outbox, the audit log — to the broker, oldest first, one batch at a time, and acknowledges a batch only
 * once the broker has acknowledged all of it. A batch that fails is sent again as a whole after a back-off, so
 * while the broker is down events wait in the outbox and go out in their order when it returns; the part of a
 * failed batch that did arrive arrives twice, with the same event ids. One file's events keep their order: they
 * are appended in order (the file's operations exclude each other), sent in that order with the file id as key,
 * and nothing after a failed batch is sent before it.
 */
public final class Relay<T> implements AutoCloseable {

    /** Sends a batch and returns once the broker has all of it; throws when any part may be missing. */
    @FunctionalInterface
    public interface Sender<T> {
        void send(List<T> batch);
    }

    /** What is to be sent, oldest first, and the record that it was. */
    public interface Source<T> {

        /** Up to {@code max} items not yet acknowledged, oldest first. */
        List<T> oldest(int max);

        /** The broker has these, the oldest ones as {@link #oldest} gave them. */
        void acknowledge(List<T> sent);

        /** Items waiting, for the log. */
        long depth();
    }

    /** The event outbox as a source. */
    public static Source<OutboxEvent> of(EventOutbox outbox) {
        return new Source<>() {
            @Override
            public List<OutboxEvent> oldest(int max) {
                return outbox.oldest(max);
            }

            @Override
            public void acknowledge(List<OutboxEvent> sent) {
                outbox.acknowledge(sent);
            }

            @Override
            public long depth() {
                return outbox.status().depth();
            }
        };
    }

    /**
     * @param batchSize events sent together at most
     * @param idlePoll how long the relay waits before it looks again at an empty source
     * @param firstRetry the back-off after a failed batch, doubled after each further failure up to {@code maxRetry}
     */
    public record Settings(int batchSize, Duration idlePoll, Duration firstRetry, Duration maxRetry) {

        public static final Settings DEFAULTS = new Settings(500, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5));

        public Settings {
            Objects.requireNonNull(idlePoll, "idlePoll");
            Objects.requireNonNull(firstRetry, "firstRetry");
            Objects.requireNonNull(maxRetry, "maxRetry");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be positive");
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final Source<T> source;
    private final Sender<T> sender;
    private final Settings settings;
    private final String name;
    private final Thread thread;
    private final Object wakeUp = new Object();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;

    private Relay(Source<T> source, Sender<T> sender, Settings settings, String name) {
        this.source = Objects.requireNonNull(source, "source");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.name = name;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    public static <T> Relay<T> start(Source<T> source, Sender<T> sender, Settings settings, String name) {
        Relay<T> relay = new Relay<>(source, sender, settings, name);
        relay.thread.start();
        return relay;
    }

    /** Items the broker acknowledged since the start. */
    public long sent() {
        return sent.get();
    }

    /** Batches that failed since the start (each was, or will be, sent again). */
    public long failures() {
        return failures.get();
    }

    private void run() {
        Duration retry = settings.firstRetry();
        boolean failing = false;
        while (running) {
            List<T> batch;
            try {
                batch = source.oldest(settings.batchSize());
            } catch (RuntimeException e) {
                LOG.warn("{}: cannot read what is to be sent: {}", name, e.toString());
                pause(retry);
                continue;
            }
            if (batch.isEmpty()) {
                pause(settings.idlePoll());
                continue;
            }
            try {
                sender.send(batch);
                source.acknowledge(batch);
                sent.addAndGet(batch.size());
                if (failing) {
                    LOG.info("{}: the broker takes them again; {} wait", name, source.depth());
                    failing = false;
                }
                retry = settings.firstRetry();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                if (!failing) {
                    LOG.warn("{}: {} wait until the broker takes them: {}", name,
                            source.depth(), e.toString());
                    failing = true;
                } else {
                    LOG.debug("{}: still failing: {}", name, e.toString());
                }
                pause(retry);
                retry = retry.multipliedBy(2).compareTo(settings.maxRetry()) > 0 ? settings.maxRetry() : retry.multipliedBy(2);
            }
        }
    }

    private void pause(Duration duration) {
        synchronized (wakeUp) {
            if (!running) {
                return;
            }
            try {
                wakeUp.wait(Math.max(1, duration.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    /** Asks the relay to stop after the batch in flight; {@link #close()} waits for it. */
    public void stopSoon() {
        running = false;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    /**
     * Stops after the batch in flight, if any (a sender waiting for an absent broker must be closed first to end
     * it); what was not acknowledged stays in the source for the next start.
     */
    @Override
    public void close() {
        stopSoon();
        try {
            thread.join(Duration.ofSeconds(35).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
