package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.port.out.CapacityReservations.Reservation;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.pipeline.ContentPipeline;

/**
 * The storage element chosen for one upload and the space reserved on it. As stored bytes pass, it records
 * them and grows the reservation; when the element has no more room it cuts the upload off.
 */
public final class Placement implements ContentPipeline.StoredBytesListener, AutoCloseable {

    /** Report written bytes to the reservation store at most this often, to keep the hot path cheap. */
    private static final long REPORT_EVERY = 4L * 1024 * 1024;

    private final StorageElement element;
    private final StorageElementDescriptor descriptor;
    private final Reservation reservation;
    private final long growthStep;
    private long lastReported;

    Placement(StorageElement element, StorageElementDescriptor descriptor, Reservation reservation, long growthStep) {
        this.element = element;
        this.descriptor = descriptor;
        this.reservation = reservation;
        this.growthStep = growthStep;
    }

    public StorageElement element() {
        return element;
    }

    public StorageElementDescriptor descriptor() {
        return descriptor;
    }

    public long reservedBytes() {
        return reservation.reservedBytes();
    }

    @Override
    public void stored(long totalStoredBytes) {
        while (totalStoredBytes > reservation.reservedBytes()) {
            long available = element.describe().capacity().availableBytes();
            if (!reservation.tryExtend(growthStep, available) && !reservation.tryExtend(totalStoredBytes - reservation.reservedBytes(), available)) {
                throw new IngestException(Kind.INSUFFICIENT_STORAGE, "insufficient_storage",
                        "storage element " + descriptor.id() + " ran out of room after " + totalStoredBytes
                                + " bytes; retry with file_size so that a storage element with room is chosen");
            }
        }
        if (totalStoredBytes - lastReported >= REPORT_EVERY) {
            reservation.written(totalStoredBytes);
            lastReported = totalStoredBytes;
        }
    }

    @Override
    public void close() {
        reservation.close();
    }
}
