package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.BlockStore;
import io.artstore.ingester.core.port.out.BlockStoreContract;
import java.time.Clock;

class InMemoryBlockStoreContractTest extends BlockStoreContract {

    @Override
    protected BlockStore createStore() {
        return new InMemoryBlockStore(Clock.systemUTC());
    }

    @Override
    protected BlockStore anotherView(BlockStore store) {
        return store;
    }
}
