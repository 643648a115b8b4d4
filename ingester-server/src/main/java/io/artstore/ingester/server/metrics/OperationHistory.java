package io.artstore.ingester.server.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The most recent operations of this instance and calls to storage elements, in memory, for the analytics exports.
 * Bounded: each ring keeps the last {@code capacity} entries, so that a window longer than the ring reaches covers
 * only what the ring still holds (the exports say from when).
 */
public final class OperationHistory {

    public static final int DEFAULT_CAPACITY = 20_000;

    /**
     * One operation as it ended.
     *
     * @param element the storage element it acted on, {@code none} when it did not get that far
     * @param bytes the file's size, 0 when not known
     */
    public record Entry(Instant at, String operation, Outcome outcome, String element, Duration took, long bytes) {
        public Entry {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(element, "element");
            Objects.requireNonNull(took, "took");
        }
    }

    private final Clock clock;
    private final Ring operations;
    private final Ring calls;

    public OperationHistory(Clock clock, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.operations = new Ring(capacity);
        this.calls = new Ring(capacity);
    }

    public Instant now() {
        return clock.instant();
    }

    void operation(String operation, Outcome outcome, String element, Duration took, long bytes) {
        operations.add(new Entry(clock.instant(), operation, outcome, element, took, bytes));
    }

    /** A call to a storage element: {@code operation} is the call (store, delete, ...). */
    void call(String element, String call, Outcome outcome, Duration took) {
        calls.add(new Entry(clock.instant(), call, outcome, element, took, 0));
    }

    /** The operations that ended at or after {@code since}, oldest first. */
    public List<Entry> operationsSince(Instant since) {
        return operations.since(since);
    }

    public List<Entry> callsSince(Instant since) {
        return calls.since(since);
    }

    /** When the oldest operation still held ended; empty when none is held. */
    public java.util.Optional<Instant> oldestOperation() {
        return operations.oldest();
    }

    private static final class Ring {
        private final Entry[] entries;
        private int next;
        private int size;

        Ring(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1");
            }
            this.entries = new Entry[capacity];
        }

        synchronized void add(Entry entry) {
            entries[next] = entry;
            next = (next + 1) % entries.length;
            size = Math.min(size + 1, entries.length);
        }

        synchronized List<Entry> since(Instant since) {
            List<Entry> result = new ArrayList<>();
            int start = (next - size + entries.length) % entries.length;
            for (int i = 0; i < size; i++) {
                Entry entry = entries[(start + i) % entries.length];
                if (!entry.at().isBefore(since)) {
                    result.add(entry);
                }
            }
            return result;
        }

        synchronized java.util.Optional<Instant> oldest() {
            return size == 0 ? java.util.Optional.empty()
                    : java.util.Optional.of(entries[(next - size + entries.length) % entries.length].at());
        }
    }
}
