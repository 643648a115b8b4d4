package io.artstore.ingester.core.domain;

/** Space on a storage element in bytes, as the element reports it (before the ingester's own reservations). */
public record Capacity(long totalBytes, long usedBytes, long availableBytes) {

    public Capacity {
        if (totalBytes < 0 || usedBytes < 0 || availableBytes < 0) {
            throw new IllegalArgumentException("capacity figures must not be negative");
        }
    }

    public static final Capacity UNKNOWN = new Capacity(0, 0, 0);

    public double percentUsed() {
        return totalBytes == 0 ? 0.0 : 100.0 * usedBytes / totalBytes;
    }
}
