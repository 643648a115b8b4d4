package io.artstore.ingester.redis.discovery;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import io.artstore.ingester.core.port.out.DiscoveredElement;
import io.artstore.ingester.core.port.out.DiscoveryStatus;
import io.artstore.ingester.core.port.out.ServiceDiscovery;
import io.artstore.ingester.redis.RedisConnections;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * ArtStore's service discovery read from Redis: the admin module's snapshot under {@value #SNAPSHOT_KEY}, read again
 * on every message on {@value #CHANNEL} and also every {@link Settings#pollInterval()}, since a message can be lost
 * (a subscriber that was reconnecting hears nothing). Reads go through a circuit breaker; while Redis cannot be read
 * the last set seen is kept, and at start it is taken from the copy on disk written at each change.
 */
public final class RedisServiceDiscovery implements ServiceDiscovery, AutoCloseable {

    public static final String SNAPSHOT_KEY = "artstore:storage_elements";
    public static final String CHANNEL = "artstore:service_discovery";

    private static final Logger LOG = LoggerFactory.getLogger(RedisServiceDiscovery.class);

    /**
     * @param pollInterval how often the snapshot is read without being told to
     * @param lastKnownFile where the last set seen is kept for a start without Redis
     * @param breakerFailures consecutive failed reads that open the circuit
     * @param breakerDelay how long an open circuit keeps Redis from being asked again
     * @param resubscribeDelay the wait before subscribing again after the subscription broke
     */
    public record Settings(Duration pollInterval, Path lastKnownFile, int breakerFailures, Duration breakerDelay,
            Duration resubscribeDelay) {

        public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

        public Settings {
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(lastKnownFile, "lastKnownFile");
            Objects.requireNonNull(breakerDelay, "breakerDelay");
            Objects.requireNonNull(resubscribeDelay, "resubscribeDelay");
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("the discovery poll interval must be positive");
            }
            if (breakerFailures < 1) {
                throw new IllegalArgumentException("the breaker needs at least one failure to open");
            }
        }

        public static Settings defaults(Path lastKnownFile) {
            return new Settings(DEFAULT_POLL_INTERVAL, lastKnownFile, 3, Duration.ofSeconds(5), Duration.ofSeconds(1));
        }
    }

    private final RedisConnections connections;
    private final Settings settings;
    private final Clock clock;
    private final LastKnownSet lastKnown;
    private final CircuitBreaker<String> breaker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile Subscriber subscriber;
    private final Thread poller;
    private final Thread listener;
    private volatile Snapshot current;
    private volatile boolean closed;
    private boolean wakeRequested;

    private RedisServiceDiscovery(RedisConnections connections, Settings settings, Clock clock) {
        this.connections = connections;
        this.settings = settings;
        this.clock = clock;
        this.lastKnown = new LastKnownSet(settings.lastKnownFile());
        this.breaker = CircuitBreaker.<String>builder()
                .handle(JedisException.class)
                .withFailureThreshold(settings.breakerFailures())
                .withDelay(settings.breakerDelay())
                .onOpen(event -> LOG.warn("service discovery: Redis failed {} times in a row; not asked again for {}",
                        settings.breakerFailures(), settings.breakerDelay()))
                .build();
        this.current = new Snapshot(fromDisk(), new DiscoveryStatus.Fallback(clock.instant(), "not yet read from Redis"));
        this.poller = new Thread(this::pollLoop, "discovery-poll");
        this.listener = new Thread(this::listenLoop, "discovery-subscribe");
        poller.setDaemon(true);
        listener.setDaemon(true);
    }

    /**
     * Reads the snapshot once (falling back to the copy on disk when Redis cannot be read), then keeps it current
     * in the background. Never fails for want of Redis.
     */
    public static RedisServiceDiscovery start(RedisConnections connections, Settings settings, Clock clock) {
        RedisServiceDiscovery discovery = new RedisServiceDiscovery(connections, settings, clock);
        discovery.refresh();
        discovery.poller.start();
        discovery.listener.start();
        return discovery;
    }

    @Override
    public Snapshot current() {
        return current;
    }

    /** The breaker's state, for operators: {@code closed}, {@code open} or {@code half_open}. */
    public String breakerState() {
        return breaker.getState().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Reads the snapshot now; what the background does on every message and every poll. */
    public void refresh() {
        String text;
        try {
            text = Failsafe.with(breaker).get(() -> connections.client().get(SNAPSHOT_KEY));
        } catch (CircuitBreakerOpenException e) {
            fallback("Redis is not asked while its circuit is open after repeated failures");
            return;
        } catch (JedisException | IllegalStateException e) {
            fallback("Redis cannot be read: " + e.getMessage());
            return;
        }
        if (text == null) {
            fallback("Redis holds no " + SNAPSHOT_KEY + " (the admin module has not published it)");
            return;
        }
        List<DiscoveredElement> elements;
        try {
            elements = SnapshotParser.parse(text);
        } catch (IllegalArgumentException e) {
            fallback("the snapshot in " + SNAPSHOT_KEY + " cannot be read: " + e.getMessage());
            return;
        }
        Snapshot before = current;
        DiscoveryStatus status = before.status() instanceof DiscoveryStatus.Live live ? live
                : new DiscoveryStatus.Live("redis " + connections.describe(), clock.instant());
        if (!(before.status() instanceof DiscoveryStatus.Live)) {
            LOG.info("service discovery: reading storage elements from Redis ({}): {}", connections.describe(), ids(elements));
        }
        if (!elements.equals(before.elements())) {
            persist(text);
            if (before.status() instanceof DiscoveryStatus.Live) {
                LOG.info("service discovery: storage elements changed: {}", ids(elements));
            }
        }
        current = new Snapshot(elements, status);
    }

    private void fallback(String reason) {
        Snapshot before = current;
        if (before.status() instanceof DiscoveryStatus.Fallback fallback) {
            if (!fallback.reason().equals(reason)) {
                current = new Snapshot(before.elements(), new DiscoveryStatus.Fallback(fallback.since(), reason));
            }
            return;
        }
        LOG.warn("service discovery: falling back to the last known storage elements {}: {}", ids(before.elements()), reason);
        current = new Snapshot(before.elements(), new DiscoveryStatus.Fallback(clock.instant(), reason));
    }

    private List<DiscoveredElement> fromDisk() {
        try {
            Optional<String> saved = lastKnown.load();
            if (saved.isPresent()) {
                List<DiscoveredElement> elements = SnapshotParser.parse(saved.get());
                LOG.info("service discovery: last known storage elements from {}: {}", lastKnown.file(), ids(elements));
                return elements;
            }
        } catch (RuntimeException e) {
            LOG.warn("service discovery: the last known storage elements in {} cannot be read: {}", lastKnown.file(),
                    e.getMessage());
        }
        return List.of();
    }

    private void persist(String text) {
        try {
            lastKnown.save(text);
        } catch (RuntimeException e) {
            // The set in memory is still right; only a later start without Redis would miss it.
            LOG.warn("service discovery: {}", e.getMessage());
        }
    }

    private static List<String> ids(List<DiscoveredElement> elements) {
        return elements.stream().map(e -> e.id().value() + " (" + e.mode().wireName() + ", priority " + e.priority()
                + (e.available() ? "" : ", unavailable") + ")").toList();
    }

    /** Makes the poller read the snapshot now. */
    void wakeUp() {
        lock.lock();
        try {
            wakeRequested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void pollLoop() {
        while (!closed) {
            lock.lock();
            try {
                long nanos = settings.pollInterval().toNanos();
                while (!wakeRequested && !closed && nanos > 0) {
                    nanos = wake.awaitNanos(nanos);
                }
                wakeRequested = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (!closed) {
                try {
                    refresh();
                } catch (RuntimeException e) {
                    LOG.warn("service discovery: reading the snapshot failed: {}", e.toString());
                }
            }
        }
    }

    private void listenLoop() {
        while (!closed) {
            try {
                // A fresh listener for each subscription: one whose connection broke keeps its old state.
                Subscriber fresh = new Subscriber();
                subscriber = fresh;
                connections.client().subscribe(fresh, CHANNEL);
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.debug("service discovery: the subscription to {} broke: {}", CHANNEL, e.toString());
                }
            }
            if (closed) {
                return;
            }
            lock.lock();
            try {
                long nanos = settings.resubscribeDelay().toNanos();
                while (!closed && nanos > 0) {
                    nanos = wake.awaitNanos(nanos);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Every message, and every (re)subscription, which may follow messages missed meanwhile, reads the snapshot. */
    private final class Subscriber extends JedisPubSub {
        @Override
        public void onMessage(String channel, String message) {
            LOG.debug("service discovery: {} on {}", message, channel);
            wakeUp();
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            wakeUp();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            Subscriber active = subscriber;
            if (active != null && active.isSubscribed()) {
                active.unsubscribe();
            }
        } catch (RuntimeException e) {
            LOG.debug("service discovery: unsubscribing failed: {}", e.toString());
        }
        wakeUp();
        poller.interrupt();
        listener.interrupt();
        join(poller);
        join(listener);
    }

    private static void join(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
