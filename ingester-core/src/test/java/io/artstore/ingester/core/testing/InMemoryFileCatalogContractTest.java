package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileCatalogContract;

/** The in-memory fake keeps the contract the service tests rely on. */
class InMemoryFileCatalogContractTest extends FileCatalogContract {

    @Override
    protected FileCatalog createCatalog() {
        return new InMemoryFileCatalog();
    }
}
