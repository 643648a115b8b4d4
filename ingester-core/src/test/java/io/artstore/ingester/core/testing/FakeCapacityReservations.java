package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CapacityReservations;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A simple, lock-everything stand-in for the reservations store that records what is outstanding per element. */
public final class FakeCapacityReservations implements CapacityReservations {

    private final Map<StorageElementId, Long> outstanding = new HashMap<>();

    @Override
    public synchronized Optional<Reservation> tryReserve(StorageElementId element, long bytes, long reportedAvailableBytes) {
        if (outstandingBytes(element) + bytes > reportedAvailableBytes) {
            return Optional.empty();
        }
        outstanding.merge(element, bytes, Long::sum);
        return Optional.of(new FakeReservation(element, bytes));
    }

    @Override
    public synchronized long outstandingBytes(StorageElementId element) {
        return outstanding.getOrDefault(element, 0L);
    }

    public synchronized long totalOutstanding() {
        return outstanding.values().stream().mapToLong(Long::longValue).sum();
    }

    private final class FakeReservation implements Reservation {
        private final StorageElementId element;
        private long reserved;
        private long written;
        private boolean closed;

        FakeReservation(StorageElementId element, long reserved) {
            this.element = element;
            this.reserved = reserved;
        }

        @Override
        public StorageElementId element() {
            return element;
        }

        @Override
        public long reservedBytes() {
            return reserved;
        }

        @Override
        public void written(long totalWritten) {
            synchronized (FakeCapacityReservations.this) {
                record(totalWritten);
            }
        }

        private void record(long totalWritten) {
            long before = Math.max(0, reserved - written);
            written = Math.min(totalWritten, reserved);
            outstanding.merge(element, Math.max(0, reserved - written) - before, Long::sum);
        }

        @Override
        public boolean tryExtend(long moreBytes, long reportedAvailableBytes) {
            synchronized (FakeCapacityReservations.this) {
                return extend(moreBytes, reportedAvailableBytes);
            }
        }

        private boolean extend(long moreBytes, long reportedAvailableBytes) {
            if (outstandingBytes(element) + moreBytes > reportedAvailableBytes) {
                return false;
            }
            reserved += moreBytes;
            outstanding.merge(element, moreBytes, Long::sum);
            return true;
        }

        @Override
        public void close() {
            synchronized (FakeCapacityReservations.this) {
                release();
            }
        }

        private void release() {
            if (!closed) {
                closed = true;
                outstanding.merge(element, -Math.max(0, reserved - written), Long::sum);
            }
        }
    }
}
