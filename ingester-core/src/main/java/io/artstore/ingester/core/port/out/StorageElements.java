package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.StorageElementId;
import java.util.List;
import java.util.Optional;

/** The storage elements known now: a static list, or what service discovery last reported. */
public interface StorageElements {

    List<StorageElement> all();

    default Optional<StorageElement> find(StorageElementId id) {
        return all().stream().filter(element -> element.id().equals(id)).findFirst();
    }
}
