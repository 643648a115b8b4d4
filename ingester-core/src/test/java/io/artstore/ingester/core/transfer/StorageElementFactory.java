package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the storage elements a {@link TransferFixture} transfers between. Each call builds a new adapter, as a
 * (re)started process would; calls for the same id reach the same storage (folder, remote element, memory), so
 * that what one adapter wrote the next one finds.
 */
@FunctionalInterface
public interface StorageElementFactory {

    /** A new adapter of the element {@code id} in {@code mode}, over that element's storage. */
    StorageElement open(StorageElementId id, Mode mode);

    /**
     * Whether the elements stage natively (a staged copy invisible until published). Remote SEs emulate staging by
     * uploading: a published copy and a staged one look alike, and only the coordinator's record tells them apart.
     */
    default boolean stagesNatively() {
        return true;
    }

    /** Elements in memory: there is no adapter apart from the storage, so opening again returns the same element. */
    static StorageElementFactory inMemory(Clock clock) {
        Map<StorageElementId, InMemoryStorageElement> elements = new ConcurrentHashMap<>();
        return (id, mode) -> elements.computeIfAbsent(id, key -> new InMemoryStorageElement(key, mode, 0, 1L << 30, clock));
    }
}
