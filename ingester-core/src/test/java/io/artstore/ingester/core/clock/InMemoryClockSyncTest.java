package io.artstore.ingester.core.clock;

import io.artstore.ingester.core.port.out.ClockSync;
import io.artstore.ingester.core.port.out.ClockSyncContract;

class InMemoryClockSyncTest extends ClockSyncContract {

    @Override
    protected ClockSync createSync() {
        return new InMemoryClockSync();
    }
}
