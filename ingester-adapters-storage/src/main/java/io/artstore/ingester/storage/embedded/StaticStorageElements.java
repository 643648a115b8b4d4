package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A fixed set of storage elements, as configured. */
public final class StaticStorageElements implements StorageElements {

    private final List<StorageElement> elements;

    /** @throws IllegalArgumentException when two elements share an id */
    public StaticStorageElements(List<StorageElement> elements) {
        this.elements = List.copyOf(elements);
        Set<StorageElementId> seen = new HashSet<>();
        for (StorageElement element : this.elements) {
            if (!seen.add(element.id())) {
                throw new IllegalArgumentException("storage element id '" + element.id()
                        + "' is configured twice; give each storage element its own id");
            }
        }
    }

    @Override
    public List<StorageElement> all() {
        return elements;
    }
}
