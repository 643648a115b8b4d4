package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.DiscoveryStatus;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.server.transfer.TransferCounts;
import io.artstore.ingester.storage.http.HttpStorageElement.BreakerState;
import io.artstore.ingester.storage.http.HttpStorageElement.TlsFailure;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.registry.RegistryStatus;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the readiness and status documents from the storage elements as they are now. */
public final class StatusReport {

    private static final Logger LOG = LoggerFactory.getLogger(StatusReport.class);

    private final StorageElements elements;
    private final CapacityReservations reservations;
    private final ServiceInfo service;
    private final Map<String, Object> configuration;
    private final boolean authEnabled;
    private final Clock clock;
    private final CircuitBreakers breakers;
    private final Supplier<TransferCounts> transfers;
    private final Supplier<Map<String, Object>> sagas;
    private final Supplier<Optional<RegistryStatus>> registry;
    private final TlsFailures tlsFailures;
    private final Supplier<Optional<DiscoveryStatus>> discovery;
    private Supplier<JsonNode> uploads = () -> Json.object().put("in_flight", 0).set("uploads", Json.MAPPER.createArrayNode());

    /** A report with no remote elements, transfers or sagas. */
    public StatusReport(StorageElements elements, CapacityReservations reservations, ServiceInfo service,
            Map<String, Object> configuration, boolean authEnabled, Clock clock) {
        this(elements, reservations, service, configuration, authEnabled, clock, CircuitBreakers.NONE,
                () -> new TransferCounts(0, 0, 0, 0), Map::of);
    }

    /**
     * @param configuration already masked
     * @param breakers the circuit breakers of remote elements, shown beside their health
     * @param transfers the counts the {@code transfers} section shows
     * @param sagas the {@code sagas} section: counts by state now and by outcome since start (counters until
     *     metrics are exported)
     */
    public StatusReport(StorageElements elements, CapacityReservations reservations, ServiceInfo service,
            Map<String, Object> configuration, boolean authEnabled, Clock clock, CircuitBreakers breakers,
            Supplier<TransferCounts> transfers, Supplier<Map<String, Object>> sagas) {
        this(elements, reservations, service, configuration, authEnabled, clock, breakers, transfers, sagas,
                TlsFailures.NONE);
    }

    /** @param tlsFailures remote elements whose last TLS handshake failed, shown beside their health */
    public StatusReport(StorageElements elements, CapacityReservations reservations, ServiceInfo service,
            Map<String, Object> configuration, boolean authEnabled, Clock clock, CircuitBreakers breakers,
            Supplier<TransferCounts> transfers, Supplier<Map<String, Object>> sagas, TlsFailures tlsFailures) {
        this(elements, reservations, service, configuration, authEnabled, clock, breakers, transfers, sagas, tlsFailures,
                Optional::empty, Optional::empty);
    }

    private StatusReport(StorageElements elements, CapacityReservations reservations, ServiceInfo service,
            Map<String, Object> configuration, boolean authEnabled, Clock clock, CircuitBreakers breakers,
            Supplier<TransferCounts> transfers, Supplier<Map<String, Object>> sagas, TlsFailures tlsFailures,
            Supplier<Optional<RegistryStatus>> registry, Supplier<Optional<DiscoveryStatus>> discovery) {
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.tlsFailures = Objects.requireNonNull(tlsFailures, "tlsFailures");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.breakers = Objects.requireNonNull(breakers, "breakers");
        this.elements = Objects.requireNonNull(elements, "elements");
        this.reservations = Objects.requireNonNull(reservations, "reservations");
        this.service = Objects.requireNonNull(service, "service");
        // In the order given, so that the page and the document list the settings as the configuration file does.
        this.configuration = Collections.unmodifiableMap(new LinkedHashMap<>(configuration));
        this.authEnabled = authEnabled;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.transfers = Objects.requireNonNull(transfers, "transfers");
        this.sagas = Objects.requireNonNull(sagas, "sagas");
    }

    /** The same report with a {@code registry} section: the file registry outbox's backlog, when there is a registry. */
    public StatusReport withRegistry(Supplier<Optional<RegistryStatus>> status) {
        return new StatusReport(elements, reservations, service, configuration, authEnabled, clock, breakers, transfers, sagas,
                tlsFailures, status, discovery);
    }

    /**
     * The same report with where the storage elements come from: service discovery live from Redis, or its fallback
     * on the last set seen; without it the elements are the configured ones ({@code static}).
     */
    public StatusReport withDiscovery(Supplier<Optional<DiscoveryStatus>> status) {
        return new StatusReport(elements, reservations, service, configuration, authEnabled, clock, breakers, transfers, sagas,
                tlsFailures, registry, status);
    }

    /**
     * Adds the {@code uploads} section: the resumable uploads in flight with their progress. Set once, while the
     * server is wired, before the report is served.
     */
    public StatusReport withUploads(Supplier<JsonNode> section) {
        this.uploads = Objects.requireNonNull(section, "section");
        return this;
    }

    /** Ready when at least one storage element that takes new files can be reached. */
    public record Readiness(boolean ready, ObjectNode json) {}

    public Readiness readiness() {
        return readiness(describeAll());
    }

    public ObjectNode status() {
        List<Described> described = describeEach();
        List<StorageElementDescriptor> descriptors = described.stream().map(Described::descriptor).toList();
        ObjectNode json = Json.object();
        json.put("service", "artstore-ingester");
        json.put("version", service.version());
        json.put("instance_id", service.instanceId());
        json.put("started_at", service.startedAt().toString());
        json.put("uptime_seconds", Duration.between(service.startedAt(), clock.instant()).toSeconds());
        json.put("deployment", deployment(described));
        json.putObject("auth").put("enabled", authEnabled);
        json.set("health", readiness(descriptors).json());
        ArrayNode list = json.putArray("storage_elements");
        Map<StorageElementId, TlsFailure> failures = tlsFailures.now();
        long outstanding = 0;
        for (StorageElementDescriptor descriptor : descriptors) {
            long reserved = reservations.outstandingBytes(descriptor.id());
            outstanding += reserved;
            ObjectNode element = list.addObject();
            element.put("id", descriptor.id().value());
            element.put("mode", descriptor.mode().wireName());
            element.put("priority", descriptor.priority());
            element.put("health", descriptor.health().wireName());
            element.put("location", descriptor.location());
            Capacity capacity = descriptor.capacity();
            element.putObject("capacity")
                    .put("total", capacity.totalBytes())
                    .put("used", capacity.usedBytes())
                    .put("available", capacity.availableBytes())
                    .put("percent_used", Math.round(capacity.percentUsed() * 100) / 100.0);
            element.put("reserved_bytes", reserved);
            putCircuitBreaker(element, descriptor);
            putTlsFailure(element, failures.get(descriptor.id()));
        }
        json.set("capacity", overallCapacity(described));
        json.putObject("reservations").put("outstanding_bytes", outstanding);
        TransferCounts counts = transfers.get();
        json.putObject("transfers")
                .put("in_flight", counts.inFlight())
                .put("committed", counts.committed())
                .put("aborted", counts.aborted())
                .put("heuristic", counts.heuristic());
        json.set("sagas", Json.MAPPER.valueToTree(sagas.get()));
        json.set("uploads", uploads.get());
        putRegistry(json.putObject("registry"));
        json.set("configuration", Json.MAPPER.valueToTree(configuration));
        return json;
    }

    private Readiness readiness(List<StorageElementDescriptor> descriptors) {
        long edit = usable(descriptors, Mode.EDIT);
        long rw = usable(descriptors, Mode.RW);
        boolean ready = edit + rw > 0;
        ObjectNode json = Json.object();
        json.put("status", ready ? "ready" : "not_ready");
        json.put("timestamp", clock.instant().toString());
        ObjectNode checks = json.putObject("checks");
        checks.putObject("storage_elements")
                .put("status", ready ? "ok" : "fail")
                .put("edit", edit)
                .put("rw", rw);
        putDiscovery(checks.putObject("service_discovery"));
        ArrayNode list = json.putArray("storage_elements");
        Map<StorageElementId, TlsFailure> failures = tlsFailures.now();
        for (StorageElementDescriptor descriptor : descriptors) {
            ObjectNode element = list.addObject()
                    .put("id", descriptor.id().value())
                    .put("mode", descriptor.mode().wireName())
                    .put("health", descriptor.health().wireName());
            putCircuitBreaker(element, descriptor);
            putTlsFailure(element, failures.get(descriptor.id()));
        }
        return new Readiness(ready, json);
    }

    /**
     * {@code redis} (read live), {@code fallback} (Redis unreachable: the last set seen, since when and why) or
     * {@code static} (no service discovery); a fallback does not make the instance unready, its elements still work.
     */
    private void putDiscovery(ObjectNode json) {
        Optional<DiscoveryStatus> status = discovery.get();
        if (status.isEmpty()) {
            json.put("status", "static").put("message", "service discovery: static");
        } else if (status.get() instanceof DiscoveryStatus.Live live) {
            json.put("status", "redis").put("since", live.since().toString()).put("source", live.source())
                    .put("message", "service discovery: redis");
        } else {
            DiscoveryStatus.Fallback fallback = (DiscoveryStatus.Fallback) status.get();
            json.put("status", "fallback").put("since", fallback.since().toString()).put("reason", fallback.reason())
                    .put("message", "service discovery: fallback (since " + fallback.since() + ")");
        }
    }

    /** The outbox of calls to ArtStore's file registry: how many wait, since when, and the last failure. */
    private void putRegistry(ObjectNode json) {
        Optional<RegistryStatus> status = registry.get();
        json.put("enabled", status.isPresent());
        status.ifPresent(outbox -> {
            json.put("pending", outbox.pending());
            outbox.oldestPendingSince().ifPresentOrElse(since -> {
                json.put("oldest_pending_since", since.toString());
                json.put("oldest_pending_age_seconds", Math.max(0, Duration.between(since, clock.instant()).toSeconds()));
            }, () -> {
                json.putNull("oldest_pending_since");
                json.putNull("oldest_pending_age_seconds");
            });
            json.put("failed", outbox.failed());
            json.put("delivered", outbox.delivered());
            outbox.lastError().ifPresentOrElse(error -> json.putObject("last_error")
                    .put("message", error.message()).put("at", error.at().toString()), () -> json.putNull("last_error"));
            outbox.nextAttemptAt().ifPresentOrElse(at -> json.put("next_attempt_at", at.toString()),
                    () -> json.putNull("next_attempt_at"));
        });
    }

    /** Remote elements only: the breaker's state, its counts over the recent calls and its last change. */
    private void putCircuitBreaker(ObjectNode element, StorageElementDescriptor descriptor) {
        breakers.of(descriptor.id()).ifPresent(breaker -> {
            ObjectNode json = element.putObject("circuit_breaker");
            json.put("state", breaker.state().name().toLowerCase(Locale.ROOT));
            json.put("failure_rate", breaker.failureRate());
            json.put("failure_count", breaker.failureCount());
            json.put("success_count", breaker.successCount());
            json.put("failure_threshold", breaker.failureThreshold());
            json.put("failure_window", breaker.failureWindow());
            if (breaker.state() == BreakerState.OPEN) {
                json.put("retry_in_seconds", Math.max(0, (breaker.remainingOpen().toMillis() + 999) / 1000));
            }
            breaker.changedAt().ifPresent(at -> json.put("changed_at", at.toString()));
        });
    }

    /** The remote elements whose last TLS handshake failed. */
    TlsFailures tlsFailures() {
        return tlsFailures;
    }

    /** {@code tls}: why the element's last TLS handshake failed; absent while handshakes succeed. */
    static void putTlsFailure(ObjectNode element, TlsFailure failure) {
        if (failure != null) {
            element.putObject("tls")
                    .put("code", TlsFailure.CODE)
                    .put("reason", failure.reason())
                    .put("message", failure.message())
                    .put("at", failure.at().toString());
        }
    }

    private static long usable(List<StorageElementDescriptor> descriptors, Mode mode) {
        return descriptors.stream().filter(d -> d.mode() == mode && d.health() != Health.UNAVAILABLE).count();
    }

    /** An element and how it described itself. */
    private record Described(StorageElement element, StorageElementDescriptor descriptor) {}

    private List<StorageElementDescriptor> describeAll() {
        return describeEach().stream().map(Described::descriptor).toList();
    }

    /** An element that cannot even describe itself counts as unavailable rather than failing the report. */
    private List<Described> describeEach() {
        List<Described> described = new ArrayList<>();
        for (StorageElement element : elements.all()) {
            StorageElementDescriptor descriptor;
            try {
                descriptor = element.describe();
            } catch (RuntimeException e) {
                LOG.warn("storage element {} cannot describe itself: {}", element.id(), e.getMessage());
                descriptor = new StorageElementDescriptor(element.id(), Mode.RO, 0, Health.UNAVAILABLE, Capacity.UNKNOWN, "");
            }
            described.add(new Described(element, descriptor));
        }
        return described;
    }

    /** {@code embedded} when every element is a local folder, {@code remote} when none is, else {@code mixed}. */
    private static String deployment(List<Described> described) {
        long local = described.stream().filter(d -> d.element() instanceof LocalStorageElement).count();
        return local == described.size() ? "embedded" : local == 0 ? "remote" : "mixed";
    }

    /**
     * The space over all elements with each file system counted once: local elements in folders of one file system
     * share its free space, so theirs is not added up. A remote element counts as a volume of its own (its file
     * system cannot be seen from here). Used is total minus available, so that the two add up.
     */
    private static ObjectNode overallCapacity(List<Described> described) {
        // Keyed by the file system of a local element, by the element's id otherwise.
        Map<Object, List<Capacity>> volumes = new LinkedHashMap<>();
        for (Described each : described) {
            Capacity capacity = each.descriptor().capacity();
            if (capacity.totalBytes() == 0) {
                continue;
            }
            Object volume = each.element().id();
            if (each.element() instanceof LocalStorageElement local) {
                try {
                    volume = Files.getFileStore(local.path());
                } catch (IOException e) {
                    LOG.debug("no file system for storage element {}: {}", local.id(), e.getMessage());
                }
            }
            volumes.computeIfAbsent(volume, any -> new ArrayList<>()).add(capacity);
        }
        long total = 0;
        long available = 0;
        for (Map.Entry<Object, List<Capacity>> volume : volumes.entrySet()) {
            long volumeTotal = volume.getValue().stream().mapToLong(Capacity::totalBytes).sum();
            long volumeAvailable = volume.getValue().stream().mapToLong(Capacity::availableBytes).sum();
            if (volume.getKey() instanceof FileStore store) {
                try {
                    volumeTotal = Math.min(volumeTotal, store.getTotalSpace());
                    volumeAvailable = Math.min(volumeAvailable, store.getUsableSpace());
                } catch (IOException e) {
                    LOG.debug("cannot read the file system {}: {}", store, e.getMessage());
                }
            }
            total += volumeTotal;
            available += Math.min(volumeAvailable, volumeTotal);
        }
        return Json.object()
                .put("total", total)
                .put("used", total - available)
                .put("available", available)
                .put("file_systems", volumes.size());
    }
}
