package io.artstore.ingester.core.port.in;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import org.junit.jupiter.api.Test;

class AddFileCommandTest {

    @Test
    void ttl_days_on_a_permanent_file_is_refused() {
        assertThatThrownBy(() -> anAddFileCommand().mode(Mode.RW).ttlDays(10).build())
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(IngestException.Kind.INVALID_REQUEST);
                    assertThat(e.code()).isEqualTo("conflicting_ttl_days");
                });
    }

    @Test
    void ttl_days_on_a_temporary_file_and_none_on_a_permanent_one_are_taken() {
        assertThat(anAddFileCommand().mode(Mode.EDIT).ttlDays(10).build().ttlDays()).hasValue(10);
        assertThat(anAddFileCommand().mode(Mode.RW).build().ttlDays()).isEmpty();
    }

    @Test
    void a_nul_byte_in_the_file_name_is_refused() {
        assertThatThrownBy(() -> anAddFileCommand().originalFilename("a\u0000.txt").build())
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("invalid_filename"));
    }
}
