package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.FileClocks;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The clock of each file's last change, read from the event log: every change to a file publishes an event stamped
 * with the change's clock, forced to disk before the change is recorded here, so the event is what makes the clock
 * durable and recording it writes nothing. Files whose clocks an earlier version kept one per file
 * ({@code <file_id>.clock}, see {@link FileSystemFileClocks}) keep them: the two are merged, and such a file's clock
 * goes when the file does.
 *
 * <p>The caller records only clocks of events it has published to {@code events} (as
 * {@link io.artstore.ingester.core.service.ClockStampingEventPublisher} does). Thread-safe.
 */
public final class EventLogFileClocks implements FileClocks {

    private final JsonLinesEventPublisher events;
    private final FileSystemFileClocks earlier;
    private final Predicate<FileId> exists;

    private EventLogFileClocks(JsonLinesEventPublisher events, FileSystemFileClocks earlier, Predicate<FileId> exists) {
        this.events = events;
        this.earlier = earlier;
        this.exists = exists;
    }

    /**
     * @param earlier the clocks an earlier version kept per file, opened with the same {@code exists}
     * @param exists whether a file still exists; the clocks of files that do not are forgotten at open and at their
     *     last change
     */
    public static EventLogFileClocks open(JsonLinesEventPublisher events, FileSystemFileClocks earlier, Predicate<FileId> exists) {
        Objects.requireNonNull(events, "events").retainClocks(exists);
        return new EventLogFileClocks(events, Objects.requireNonNull(earlier, "earlier"), Objects.requireNonNull(exists, "exists"));
    }

    @Override
    public Optional<VectorClock> lastChange(FileId fileId) {
        Optional<VectorClock> logged = events.lastClock(fileId);
        Optional<VectorClock> kept = earlier.lastChange(fileId);
        if (logged.isEmpty()) {
            return kept;
        }
        return Optional.of(kept.map(logged.get()::merge).orElse(logged.get()));
    }

    @Override
    public void recordChange(FileId fileId, VectorClock clock) {
        Objects.requireNonNull(clock, "clock");
        if (!exists.test(fileId)) {
            // The change was the file's end: nothing is left to order against it.
            events.forgetClock(fileId);
            earlier.recordChange(fileId, clock);
        }
    }
}
