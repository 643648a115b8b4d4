package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.StorageElementId;
import java.util.Optional;

/**
 * Space promised to uploads in flight, so that concurrent uploads do not together overfill a storage
 * element that reports its free space only as bytes land.
 *
 * <p>A reservation's <em>outstanding</em> bytes are those reserved but not yet written; only those are
 * subtracted from the element's reported free space, since written bytes already show in it.
 */
public interface CapacityReservations {

    /**
     * Reserves {@code bytes} on the element if its reported free space, less every outstanding
     * reservation, holds them. Check and reserve are one atomic step.
     */
    Optional<Reservation> tryReserve(StorageElementId element, long bytes, long reportedAvailableBytes);

    /** Bytes reserved but not yet written, over all uploads in flight to the element. */
    long outstandingBytes(StorageElementId element);

    /** One upload's claim on space. Closing it releases whatever is left of it. */
    interface Reservation extends AutoCloseable {

        StorageElementId element();

        long reservedBytes();

        /** Records that {@code totalWritten} bytes of this upload have landed on the element. */
        void written(long totalWritten);

        /** Grows the reservation by {@code moreBytes} if the element still has room; false otherwise. */
        boolean tryExtend(long moreBytes, long reportedAvailableBytes);

        @Override
        void close();
    }
}
