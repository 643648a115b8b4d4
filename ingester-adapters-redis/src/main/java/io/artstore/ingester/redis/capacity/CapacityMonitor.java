package io.artstore.ingester.redis.capacity;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.SharedCapacity;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.redis.RedisConnections;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Capacity polling shared by a cluster of instances: for each storage element, the instance holding its
 * {@link LeaderLock} polls it (its {@link StorageElement#describe()}, which asks the SE's {@code /api/v1/capacity}
 * and readiness) and writes the {@code capacity:<id>} hash; the others read that hash. A failed poll writes
 * {@code health=unhealthy} at once. Reports are kept in memory between rounds, so that choosing an element never
 * waits on Redis; a report older than {@link Settings#staleAfter()} is not trusted.
 */
public final class CapacityMonitor implements SharedCapacity, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CapacityMonitor.class);

    /**
     * @param pollInterval how often each element is polled (by its leader) or its hash read (by the others); the
     *     lock is renewed at the same pace
     * @param lockTtl how long a lock outlives a leader that stopped renewing it
     * @param staleAfter a report older than this is ignored (the caller then probes the element itself)
     */
    public record Settings(String instanceId, Duration pollInterval, Duration lockTtl, Duration staleAfter) {
        public Settings {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(lockTtl, "lockTtl");
            Objects.requireNonNull(staleAfter, "staleAfter");
            if (lockTtl.compareTo(pollInterval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("the capacity lock must outlive at least two polls, so that renewals"
                        + " keep it; got " + lockTtl + " for polls every " + pollInterval);
            }
        }

        /** Polls every 10 s, the lock lives 30 s (as ArtStore's own ingester). */
        public static Settings defaults(String instanceId) {
            return new Settings(instanceId, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30));
        }
    }

    private final LeaderLock lock;
    private final CapacityHashes hashes;
    private final Supplier<List<StorageElement>> elements;
    private final Settings settings;
    private final Clock clock;
    private final Map<StorageElementId, LeaderLock.Lease> leases = new ConcurrentHashMap<>();
    private final Map<StorageElementId, Report> reports = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    private CapacityMonitor(RedisConnections connections, Supplier<List<StorageElement>> elements, Settings settings,
            Clock clock) {
        this.lock = new LeaderLock(connections, settings.instanceId(), settings.lockTtl());
        this.hashes = new CapacityHashes(connections);
        this.elements = elements;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "capacity-monitor");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @param elements the elements to poll, as they are now (remote ones: local elements need no sharing) */
    public static CapacityMonitor start(RedisConnections connections, Supplier<List<StorageElement>> elements,
            Settings settings, Clock clock) {
        CapacityMonitor monitor = new CapacityMonitor(connections, elements, settings, clock);
        monitor.scheduler.scheduleWithFixedDelay(monitor::pollRound, 0, settings.pollInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        return monitor;
    }

    @Override
    public Optional<Report> reported(StorageElementId id) {
        Report report = reports.get(id);
        if (report == null || report.polledAt().isBefore(clock.instant().minus(settings.staleAfter()))) {
            return Optional.empty();
        }
        return Optional.of(report);
    }

    /** The elements this instance polls now, with its fencing token for each. */
    public Map<StorageElementId, Long> leading() {
        Map<StorageElementId, Long> tokens = new java.util.TreeMap<>(java.util.Comparator.comparing(StorageElementId::value));
        leases.forEach((id, lease) -> tokens.put(id, lease.token()));
        return tokens;
    }

    /** One round over all elements; the background runs it every poll interval. */
    void pollRound() {
        Set<StorageElementId> present = new HashSet<>();
        List<StorageElement> current;
        try {
            current = elements.get();
        } catch (RuntimeException e) {
            LOG.warn("capacity monitor: the storage elements cannot be listed: {}", e.toString());
            return;
        }
        for (StorageElement element : current) {
            present.add(element.id());
            try {
                pollOrRead(element);
            } catch (RuntimeException e) {
                // Redis unreachable: keep the lease (it may still be ours) and let old reports age out.
                LOG.debug("capacity monitor: {}: {}", element.id(), e.toString());
            }
        }
        for (StorageElementId gone : Set.copyOf(leases.keySet())) {
            if (!present.contains(gone)) {
                release(leases.remove(gone));
                reports.remove(gone);
            }
        }
        reports.keySet().removeIf(id -> !present.contains(id));
    }

    private void pollOrRead(StorageElement element) {
        StorageElementId id = element.id();
        LeaderLock.Lease lease = leases.get(id);
        if (lease != null && !lock.renew(lease)) {
            LOG.info("capacity monitor: lost the lead on polling {} (token {})", id, lease.token());
            leases.remove(id);
            lease = null;
        }
        if (lease == null) {
            lease = lock.tryAcquire(id).orElse(null);
            if (lease != null) {
                LOG.info("capacity monitor: leading the polling of {} (fencing token {})", id, lease.token());
                leases.put(id, lease);
            }
        }
        if (lease == null) {
            hashes.read(id).ifPresentOrElse(report -> reports.put(id, report), () -> reports.remove(id));
            return;
        }
        Instant now = clock.instant();
        Optional<StorageElementDescriptor> polled = poll(element);
        boolean written;
        if (polled.isPresent() && polled.get().health() != Health.UNAVAILABLE) {
            written = hashes.writePoll(lease.token(), polled.get(), now);
            reports.put(id, new Report(polled.get().health(), polled.get().capacity(), now));
        } else {
            written = hashes.writeFailure(lease.token(), id, now);
            Capacity last = Optional.ofNullable(reports.get(id)).map(Report::capacity).orElse(Capacity.UNKNOWN);
            reports.put(id, new Report(Health.UNAVAILABLE, last, now));
        }
        if (!written) {
            LOG.info("capacity monitor: a newer leader polls {}; token {} stands down", id, lease.token());
            leases.remove(id);
        }
    }

    private static Optional<StorageElementDescriptor> poll(StorageElement element) {
        try {
            return Optional.of(element.describe());
        } catch (RuntimeException e) {
            LOG.debug("capacity monitor: polling {} failed: {}", element.id(), e.toString());
            return Optional.empty();
        }
    }

    private void release(LeaderLock.Lease lease) {
        if (lease == null) {
            return;
        }
        try {
            lock.release(lease);
        } catch (RuntimeException e) {
            LOG.debug("capacity monitor: releasing the lock on {} failed: {}", lease.element(), e.toString());
        }
    }

    /** Stops polling and frees this instance's locks, so that another instance leads at once. */
    @Override
    public void close() {
        stopPolling();
        leases.values().forEach(this::release);
        leases.clear();
    }

    /** Stops without freeing the locks, as a crashed instance would; they expire after their TTL. */
    void stopPolling() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
