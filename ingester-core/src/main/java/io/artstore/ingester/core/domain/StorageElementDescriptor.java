package io.artstore.ingester.core.domain;

import java.util.Objects;

/**
 * What the ingester knows about one storage element at a moment: enough to choose where a file goes.
 *
 * @param location a URL for remote elements, a folder for local ones; shown to operators and clients
 */
public record StorageElementDescriptor(
        StorageElementId id, Mode mode, int priority, Health health, Capacity capacity, String location) {

    public StorageElementDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(location, "location");
        if (priority < 0) {
            throw new IllegalArgumentException("priority must not be negative, got " + priority);
        }
    }

    public StorageElementDescriptor withHealth(Health newHealth) {
        return new StorageElementDescriptor(id, mode, priority, newHealth, capacity, location);
    }

    public StorageElementDescriptor withCapacity(Capacity newCapacity) {
        return new StorageElementDescriptor(id, mode, priority, health, newCapacity, location);
    }
}
