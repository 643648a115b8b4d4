package io.artstore.ingester.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LocalStorageSettingsTest {

    private static final StorageElementId ID = StorageElementId.of("local-edit");
    private static final Path PATH = Path.of("data/edit");

    @Test
    void a_negative_priority_is_refused_with_the_element_named() {
        assertThatThrownBy(() -> new LocalStorageSettings(ID, Mode.EDIT, PATH, -1, OptionalLong.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("local-edit").hasMessageContaining("priority");
    }

    @Test
    void a_quota_must_be_positive() {
        assertThatThrownBy(() -> new LocalStorageSettings(ID, Mode.EDIT, PATH, 0, OptionalLong.of(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quota");
    }

    @Test
    void without_a_quota_by_default() {
        LocalStorageSettings settings = LocalStorageSettings.of(ID, Mode.RW, PATH, 2);

        assertThat(settings.quotaBytes()).isEmpty();
        assertThat(settings.priority()).isEqualTo(2);
    }

    @Test
    void every_part_is_required() {
        assertThatThrownBy(() -> new LocalStorageSettings(ID, null, PATH, 0, OptionalLong.empty()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new LocalStorageSettings(ID, Mode.RW, null, 0, OptionalLong.empty()))
                .isInstanceOf(NullPointerException.class);
    }
}
