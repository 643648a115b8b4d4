package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.LocksContract;

class InMemoryLocksTest extends LocksContract {

    @Override
    protected Locks createLocks() {
        return new InMemoryLocks();
    }
}
