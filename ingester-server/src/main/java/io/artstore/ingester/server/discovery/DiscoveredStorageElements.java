package io.artstore.ingester.server.discovery;

import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.DiscoveredElement;
import io.artstore.ingester.core.port.out.DiscoveryStatus;
import io.artstore.ingester.core.port.out.ServiceDiscovery;
import io.artstore.ingester.core.port.out.SharedCapacity;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.storage.http.HttpStorageElement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured (static) storage elements followed by those that service discovery announces now. The discovered
 * ones are rebuilt when the announced set changes: an element that appears is connected, one whose address, mode or
 * priority changes is connected anew, one that disappears is dropped, all without a restart. A configured element
 * wins over an announced one with the same id.
 */
public final class DiscoveredStorageElements implements StorageElements {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveredStorageElements.class);

    private final List<StorageElement> statics;
    private final Set<StorageElementId> staticIds;
    private final ServiceDiscovery discovery;
    private final Function<DiscoveredElement, HttpStorageElement> connect;
    private final UnaryOperator<StorageElement> decorator;
    private final Set<DiscoveredElement> reported = ConcurrentHashMap.newKeySet();
    private volatile SharedCapacity capacity = SharedCapacity.none();
    private volatile View view;

    /** What was built for one announced set. */
    private record View(List<DiscoveredElement> announced, List<StorageElement> all,
            Map<StorageElementId, DiscoveredStorageElement> discovered) {}

    /**
     * @param connect builds the HTTP adapter of an announced element; may throw {@link IllegalArgumentException} when
     *     its settings cannot be made (the element is then left out and the reason logged)
     * @param decorator wraps each discovered element as the composition root wraps the static ones
     */
    public DiscoveredStorageElements(List<StorageElement> statics, ServiceDiscovery discovery,
            Function<DiscoveredElement, HttpStorageElement> connect, UnaryOperator<StorageElement> decorator) {
        this.statics = List.copyOf(statics);
        this.staticIds = new HashSet<>();
        this.statics.forEach(element -> staticIds.add(element.id()));
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.connect = Objects.requireNonNull(connect, "connect");
        this.decorator = Objects.requireNonNull(decorator, "decorator");
        this.view = new View(null, this.statics, Map.of());
    }

    /** Where health and free space of discovered elements come from once a capacity monitor runs. */
    public void useSharedCapacity(SharedCapacity shared) {
        this.capacity = Objects.requireNonNull(shared, "shared");
    }

    @Override
    public List<StorageElement> all() {
        return current().all();
    }

    /** The HTTP adapters of the discovered elements now, for breakers, TLS failures and capacity polling. */
    public Map<StorageElementId, HttpStorageElement> remote() {
        Map<StorageElementId, HttpStorageElement> remote = new LinkedHashMap<>();
        current().discovered().forEach((id, element) -> remote.put(id, element.http()));
        return remote;
    }

    /** The discovered elements' HTTP adapters, as the capacity monitor polls them. */
    public List<StorageElement> polled() {
        return List.copyOf(remote().values());
    }

    public DiscoveryStatus status() {
        return discovery.current().status();
    }

    private View current() {
        List<DiscoveredElement> announced = discovery.current().elements();
        View now = view;
        if (announced.equals(now.announced())) {
            return now;
        }
        synchronized (this) {
            now = view;
            if (!announced.equals(now.announced())) {
                now = rebuild(announced, now);
                view = now;
            }
            return now;
        }
    }

    private View rebuild(List<DiscoveredElement> announced, View previous) {
        List<StorageElement> all = new ArrayList<>(statics);
        Map<StorageElementId, DiscoveredStorageElement> discovered = new LinkedHashMap<>();
        Map<StorageElementId, StorageElement> exposedBefore = new LinkedHashMap<>();
        for (StorageElement element : previous.all()) {
            exposedBefore.put(element.id(), element);
        }
        for (DiscoveredElement element : announced) {
            if (staticIds.contains(element.id())) {
                if (reported.add(element)) {
                    LOG.warn("service discovery announces {} at {}, but it is configured statically; the configured one is"
                            + " used", element.id(), element.apiUrl());
                }
                continue;
            }
            DiscoveredStorageElement before = previous.discovered().get(element.id());
            if (before != null && before.announced().equals(element)) {
                discovered.put(element.id(), before);
                all.add(exposedBefore.get(element.id()));
                continue;
            }
            HttpStorageElement http;
            try {
                http = connect.apply(element);
            } catch (RuntimeException e) {
                if (reported.add(element)) {
                    LOG.warn("service discovery: storage element {} at {} is left out: {}", element.id(), element.apiUrl(),
                            e.getMessage());
                }
                continue;
            }
            DiscoveredStorageElement built = new DiscoveredStorageElement(http, element, id -> capacity.reported(id));
            discovered.put(element.id(), built);
            all.add(decorator.apply(built));
            LOG.info("service discovery: storage element {} at {} ({}, priority {}{})", element.id(), element.apiUrl(),
                    element.mode().wireName(), element.priority(), element.available() ? "" : ", unavailable");
        }
        previous.discovered().keySet().stream().filter(id -> !discovered.containsKey(id))
                .forEach(id -> LOG.info("service discovery: storage element {} is no longer announced", id));
        return new View(announced, List.copyOf(all), discovered);
    }
}
