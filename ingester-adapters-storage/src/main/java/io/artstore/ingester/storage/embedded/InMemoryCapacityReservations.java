package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CapacityReservations;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reservations kept in this process: right for one ingester instance. Each element has its own lock, so
 * reservations on different elements never wait for each other.
 */
public final class InMemoryCapacityReservations implements CapacityReservations {

    /** One element's reservations; every field is guarded by the instance's monitor. */
    private static final class Ledger {
        private long outstanding;

        synchronized boolean tryClaim(long bytes, long reportedAvailableBytes) {
            if (reportedAvailableBytes - outstanding < bytes) {
                return false;
            }
            outstanding += bytes;
            return true;
        }

        synchronized long outstanding() {
            return outstanding;
        }
    }

    private final ConcurrentMap<StorageElementId, Ledger> ledgers = new ConcurrentHashMap<>();

    @Override
    public Optional<Reservation> tryReserve(StorageElementId element, long bytes, long reportedAvailableBytes) {
        Objects.requireNonNull(element, "element");
        requireNotNegative(bytes);
        Ledger ledger = ledger(element);
        return ledger.tryClaim(bytes, reportedAvailableBytes)
                ? Optional.of(new Held(element, ledger, bytes))
                : Optional.empty();
    }

    @Override
    public long outstandingBytes(StorageElementId element) {
        Ledger ledger = ledgers.get(element);
        return ledger == null ? 0 : ledger.outstanding();
    }

    private Ledger ledger(StorageElementId element) {
        return ledgers.computeIfAbsent(element, id -> new Ledger());
    }

    private static void requireNotNegative(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes to reserve must not be negative, got " + bytes);
        }
    }

    /** A reservation; its state is guarded by its ledger's monitor, so the ledger's sum stays exact. */
    private static final class Held implements Reservation {
        private final StorageElementId element;
        private final Ledger ledger;
        private long reserved;
        private long written;
        private boolean closed;

        Held(StorageElementId element, Ledger ledger, long reserved) {
            this.element = element;
            this.ledger = ledger;
            this.reserved = reserved;
        }

        @Override
        public StorageElementId element() {
            return element;
        }

        @Override
        public long reservedBytes() {
            synchronized (ledger) {
                return reserved;
            }
        }

        /** What this reservation adds to the ledger's outstanding sum now. */
        private long outstanding() {
            return closed ? 0 : Math.max(0, reserved - written);
        }

        @Override
        public void written(long totalWritten) {
            requireNotNegative(totalWritten);
            synchronized (ledger) {
                if (closed || totalWritten <= written) {
                    return;
                }
                long before = outstanding();
                written = totalWritten;
                ledger.outstanding += outstanding() - before;
            }
        }

        @Override
        public boolean tryExtend(long moreBytes, long reportedAvailableBytes) {
            requireNotNegative(moreBytes);
            synchronized (ledger) {
                if (closed) {
                    return false;
                }
                // Bytes written beyond the reservation already show in the reported free space, so only the
                // part of the extension they do not cover becomes outstanding.
                long before = outstanding();
                long after = Math.max(0, reserved + moreBytes - written);
                if (reportedAvailableBytes - ledger.outstanding < after - before) {
                    return false;
                }
                reserved += moreBytes;
                ledger.outstanding += after - before;
                return true;
            }
        }

        @Override
        public void close() {
            synchronized (ledger) {
                if (!closed) {
                    ledger.outstanding -= outstanding();
                    closed = true;
                }
            }
        }
    }
}
