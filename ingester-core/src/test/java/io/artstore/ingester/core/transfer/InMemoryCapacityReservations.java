package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CapacityReservations;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Capacity reservations in memory: outstanding bytes per element. */
public final class InMemoryCapacityReservations implements CapacityReservations {

    private final Map<StorageElementId, Long> outstanding = new HashMap<>();

    @Override
    public synchronized Optional<Reservation> tryReserve(StorageElementId element, long bytes, long reportedAvailableBytes) {
        if (outstandingBytes(element) + bytes > reportedAvailableBytes) {
            return Optional.empty();
        }
        outstanding.merge(element, bytes, Long::sum);
        return Optional.of(new Held(element, bytes));
    }

    @Override
    public synchronized long outstandingBytes(StorageElementId element) {
        return outstanding.getOrDefault(element, 0L);
    }

    private final class Held implements Reservation {
        private final StorageElementId element;
        private long reserved;
        private long written;
        private boolean closed;

        Held(StorageElementId element, long reserved) {
            this.element = element;
            this.reserved = reserved;
        }

        @Override
        public StorageElementId element() {
            return element;
        }

        @Override
        public long reservedBytes() {
            synchronized (InMemoryCapacityReservations.this) {
                return reserved;
            }
        }

        @Override
        public void written(long totalWritten) {
            synchronized (InMemoryCapacityReservations.this) {
                long landed = Math.min(totalWritten, reserved) - written;
                if (landed > 0 && !closed) {
                    written += landed;
                    outstanding.merge(element, -landed, Long::sum);
                }
            }
        }

        @Override
        public boolean tryExtend(long moreBytes, long reportedAvailableBytes) {
            synchronized (InMemoryCapacityReservations.this) {
                if (closed || outstandingBytes(element) + moreBytes > reportedAvailableBytes) {
                    return false;
                }
                reserved += moreBytes;
                outstanding.merge(element, moreBytes, Long::sum);
                return true;
            }
        }

        @Override
        public void close() {
            synchronized (InMemoryCapacityReservations.this) {
                if (!closed) {
                    closed = true;
                    outstanding.merge(element, -(reserved - written), Long::sum);
                }
            }
        }
    }
}
