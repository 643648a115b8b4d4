package io.artstore.ingester.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.clock.ClockParticipants;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.testing.InMemoryFileClocks;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConcurrentOperationGuardTest {

    private final InMemoryFileClocks lastChanges = new InMemoryFileClocks();
    private final ConcurrentOperationGuard guard = new ConcurrentOperationGuard(lastChanges,
            ClockParticipants.byDefault(NodeId.of("ingester-1")));
    private final FileId file = FileId.random();

    @Test
    void a_clock_concurrent_with_the_last_change_is_refused() {
        lastChanges.recordChange(file, VectorClock.parse("ingester-1:4"));

        assertThatThrownBy(() -> guard.check(file, Optional.of(VectorClock.parse("ingester-1:3,client-9:1"))))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(IngestException.Kind.CONFLICT);
                    assertThat(e.code()).isEqualTo("concurrent_operation");
                    assertThat(e.getMessage()).contains("ingester-1:4");
                });
    }

    @Test
    void a_clock_that_has_seen_the_last_change_passes() {
        lastChanges.recordChange(file, VectorClock.parse("ingester-1:4"));

        assertThatCode(() -> guard.check(file, Optional.of(VectorClock.parse("ingester-1:4")))).doesNotThrowAnyException();
        assertThatCode(() -> guard.check(file, Optional.of(VectorClock.parse("ingester-1:5,client-9:2"))))
                .doesNotThrowAnyException();
    }

    @Test
    void no_clock_an_older_clock_or_an_unchanged_file_is_not_checked() {
        assertThatCode(() -> guard.check(file, Optional.of(VectorClock.parse("client-9:1")))).doesNotThrowAnyException();
        lastChanges.recordChange(file, VectorClock.parse("ingester-1:4"));

        assertThatCode(() -> guard.check(file, Optional.empty())).doesNotThrowAnyException();
        assertThatCode(() -> guard.check(file, Optional.of(VectorClock.parse("ingester-1:2")))).doesNotThrowAnyException();
    }

    @Test
    void entries_of_non_participants_in_a_stored_last_change_are_left_out() {
        lastChanges.recordChange(file, VectorClock.parse("client-7:3,ingester-1:4"));

        assertThat(guard.lastChange(file)).hasValue(VectorClock.parse("ingester-1:4"));
        assertThatCode(() -> guard.check(file, Optional.of(VectorClock.parse("ingester-1:4")))).doesNotThrowAnyException();
        FileId onlyOthers = FileId.random();
        lastChanges.recordChange(onlyOthers, VectorClock.parse("client-7:3"));
        assertThat(guard.lastChange(onlyOthers)).isEmpty();
    }

    @Test
    void the_refusal_says_where_to_read_the_files_clock() {
        lastChanges.recordChange(file, VectorClock.parse("ingester-1:4"));

        assertThatThrownBy(() -> guard.check(file, Optional.of(VectorClock.parse("client-9:1"))))
                .hasMessageContaining("GET /api/v1/files/" + file)
                .hasMessageContaining("read the file again")
                .hasMessageContaining("merge its clock and retry");
        assertThat(guard.lastChange(FileId.random())).isEmpty();
    }
}
