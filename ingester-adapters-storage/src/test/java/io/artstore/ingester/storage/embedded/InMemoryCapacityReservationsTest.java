package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.CapacityReservationsContract;

class InMemoryCapacityReservationsTest extends CapacityReservationsContract {

    @Override
    protected CapacityReservations createReservations() {
        return new InMemoryCapacityReservations();
    }
}
