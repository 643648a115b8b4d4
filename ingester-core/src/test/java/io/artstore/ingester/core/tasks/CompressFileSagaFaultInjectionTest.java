package io.artstore.ingester.core.tasks;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.testing.InMemoryStorageElement;

/** The compress saga's fault matrix over an element in memory, which a restart finds as it was. */
class CompressFileSagaFaultInjectionTest extends CompressFileFaultInjectionMatrix {

    @Override
    protected ElementHost newHost() {
        InMemoryStorageElement element = InMemoryStorageElement.of("edit-1", Mode.EDIT);
        return new ElementHost() {
            @Override
            public StorageElement current() {
                return element;
            }

            @Override
            public void restart() {
                // Memory outlives the process here, as a disk does.
            }
        };
    }
}
