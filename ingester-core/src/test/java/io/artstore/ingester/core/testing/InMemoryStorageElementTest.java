package io.artstore.ingester.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElementContract;
import java.util.ArrayList;
import java.util.List;

class InMemoryStorageElementTest extends StorageElementContract {

    private final List<InMemoryStorageElement> created = new ArrayList<>();

    @Override
    protected StorageElement newElement(Mode mode) {
        InMemoryStorageElement element = new InMemoryStorageElement(StorageElementId.of("memory-" + created.size()), mode);
        created.add(element);
        return element;
    }

    @Override
    protected void assertNoLeftovers() {
        for (InMemoryStorageElement element : created) {
            assertThat(element.leftovers()).as("leftovers of %s", element.id()).isEmpty();
        }
    }
}
