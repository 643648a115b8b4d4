package io.artstore.ingester.core.participant;

import io.artstore.ingester.core.port.out.IdempotencyStore;
import io.artstore.ingester.core.port.out.IdempotencyStoreContract;

/** The rules of {@link StepRecord} through the contract; another view is the same store. */
class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {

    @Override
    protected IdempotencyStore createStore() {
        return new InMemoryIdempotencyStore();
    }

    @Override
    protected IdempotencyStore anotherView(IdempotencyStore store) {
        return store;
    }
}
