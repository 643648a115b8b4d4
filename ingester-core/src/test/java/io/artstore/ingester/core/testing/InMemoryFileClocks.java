package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.FileClocks;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Last-change clocks kept in memory. */
public final class InMemoryFileClocks implements FileClocks {

    private final Map<FileId, VectorClock> clocks = new ConcurrentHashMap<>();

    @Override
    public Optional<VectorClock> lastChange(FileId fileId) {
        return Optional.ofNullable(clocks.get(fileId));
    }

    @Override
    public void recordChange(FileId fileId, VectorClock clock) {
        clocks.merge(fileId, clock, VectorClock::merge);
    }
}
