package io.artstore.ingester.server.metrics;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.server.http.CircuitBreakers;
import io.artstore.ingester.storage.http.HttpStorageElement.BreakerState;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of each storage element known at the scrape — health, mode, circuit breaker, capacity and the space reserved
 * for uploads in flight — refreshed before each scrape, so that elements that service discovery adds or removes
 * appear and disappear. States are one series per state, 1 for the current one.
 */
public final class ElementMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(ElementMetrics.class);

    private final StorageElements elements;
    private final CapacityReservations reservations;
    private final CircuitBreakers breakers;
    private final MultiGauge health;
    private final MultiGauge mode;
    private final MultiGauge breaker;
    private final MultiGauge total;
    private final MultiGauge available;
    private final MultiGauge reserved;

    private ElementMetrics(Metrics metrics, StorageElements elements, CapacityReservations reservations, CircuitBreakers breakers) {
        this.elements = elements;
        this.reservations = reservations;
        this.breakers = breakers;
        var registry = metrics.registry();
        this.health = MultiGauge.builder("artstore.storage_element.health")
                .description("1 for the storage element's current health (healthy, degraded, unavailable), 0 for the others")
                .register(registry);
        this.mode = MultiGauge.builder("artstore.storage_element.mode")
                .description("1 for the storage element's current mode (edit, rw, ro, ar), 0 for the others").register(registry);
        this.breaker = MultiGauge.builder("artstore.storage_element.breaker_state")
                .description("1 for the circuit breaker's current state (closed, open, half_open) of a remote storage element")
                .register(registry);
        this.total = MultiGauge.builder("artstore.storage_element.capacity").baseUnit("bytes")
                .description("Total space of the storage element as it reports it").register(registry);
        this.available = MultiGauge.builder("artstore.storage_element.available").baseUnit("bytes")
                .description("Free space of the storage element as it reports it").register(registry);
        this.reserved = MultiGauge.builder("artstore.storage_element.reserved").baseUnit("bytes")
                .description("Space reserved for uploads in flight to the storage element and not yet written")
                .register(registry);
    }

    /** Registers the gauges and their refresh before each scrape. */
    public static void register(Metrics metrics, StorageElements elements, CapacityReservations reservations,
            CircuitBreakers breakers) {
        ElementMetrics gauges = new ElementMetrics(metrics, elements, reservations, breakers);
        metrics.beforeScrape(gauges::refresh);
    }

    void refresh() {
        List<MultiGauge.Row<?>> healthRows = new ArrayList<>();
        List<MultiGauge.Row<?>> modeRows = new ArrayList<>();
        List<MultiGauge.Row<?>> breakerRows = new ArrayList<>();
        List<MultiGauge.Row<?>> totalRows = new ArrayList<>();
        List<MultiGauge.Row<?>> availableRows = new ArrayList<>();
        List<MultiGauge.Row<?>> reservedRows = new ArrayList<>();
        for (StorageElement element : elements.all()) {
            String id = element.id().value();
            Optional<StorageElementDescriptor> described = describe(element);
            Health now = described.map(StorageElementDescriptor::health).orElse(Health.UNAVAILABLE);
            for (Health each : Health.values()) {
                healthRows.add(MultiGauge.Row.of(Tags.of("element", id, "state", each.wireName()), each == now ? 1 : 0));
            }
            described.ifPresent(descriptor -> {
                for (Mode each : Mode.values()) {
                    modeRows.add(MultiGauge.Row.of(Tags.of("element", id, "mode", each.wireName()),
                            each == descriptor.mode() ? 1 : 0));
                }
                Capacity capacity = descriptor.capacity();
                totalRows.add(MultiGauge.Row.of(Tags.of("element", id), capacity.totalBytes()));
                availableRows.add(MultiGauge.Row.of(Tags.of("element", id), capacity.availableBytes()));
            });
            breakers.of(element.id()).ifPresent(status -> {
                for (BreakerState each : BreakerState.values()) {
                    breakerRows.add(MultiGauge.Row.of(Tags.of("element", id, "state", each.name().toLowerCase(Locale.ROOT)),
                            each == status.state() ? 1 : 0));
                }
            });
            reservedRows.add(MultiGauge.Row.of(Tags.of("element", id), reservations.outstandingBytes(element.id())));
        }
        health.register(healthRows, true);
        mode.register(modeRows, true);
        breaker.register(breakerRows, true);
        total.register(totalRows, true);
        available.register(availableRows, true);
        reserved.register(reservedRows, true);
    }

    private static Optional<StorageElementDescriptor> describe(StorageElement element) {
        try {
            return Optional.of(element.describe());
        } catch (RuntimeException e) {
            LOG.debug("storage element {} cannot describe itself: {}", element.id(), e.getMessage());
            return Optional.empty();
        }
    }
}
