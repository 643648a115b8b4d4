package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticStorageElementsTest {

    @Test
    void lists_and_finds_the_configured_elements() {
        StorageElement edit = InMemoryStorageElement.of("se-edit", Mode.EDIT);
        StorageElement rw = InMemoryStorageElement.of("se-rw", Mode.RW);
        List<StorageElement> configured = new ArrayList<>(List.of(edit, rw));

        StaticStorageElements elements = new StaticStorageElements(configured);
        configured.clear();

        assertThat(elements.all()).containsExactly(edit, rw);
        assertThat(elements.find(StorageElementId.of("se-rw"))).containsSame(rw);
        assertThat(elements.find(StorageElementId.of("se-ro"))).isEmpty();
    }

    @Test
    void refuses_two_elements_with_one_id() {
        List<StorageElement> twice = List.of(InMemoryStorageElement.of("se-1", Mode.EDIT),
                InMemoryStorageElement.of("se-1", Mode.RW));

        assertThatThrownBy(() -> new StaticStorageElements(twice))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("se-1");
    }
}
