package io.artstore.ingester.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.server.config.DetectionSettings;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class UploadSizesTest {

    private final List<SecurityAlert> raised = new CopyOnWriteArrayList<>();
    private final UploadSizes sizes = new UploadSizes(DetectionSettings.DEFAULTS, raised::add, Clock.systemUTC());
    private final Caller alice = new Caller("alice", "Alice", Optional.empty(), Optional.empty());
    private final Caller bob = new Caller("bob", "Bob", Optional.empty(), Optional.empty());

    @Test
    void an_upload_a_hundred_times_larger_than_the_subjects_habit_raises_an_alert_for_that_subject_only() {
        for (int i = 0; i < 20; i++) {
            sizes.uploaded(alice, Optional.of("10.0.0.1"), FileId.random(), 1_000 + i * 50);
            sizes.uploaded(bob, Optional.of("10.0.0.2"), FileId.random(), 50_000_000);
        }
        assertThat(raised).isEmpty();

        FileId big = FileId.random();
        sizes.uploaded(alice, Optional.of("10.0.0.1"), big, 500_000_000);
        sizes.uploaded(bob, Optional.of("10.0.0.2"), FileId.random(), 60_000_000);

        assertThat(raised).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo(SecurityAlert.Kind.UNUSUAL_UPLOAD_SIZE);
            assertThat(alert.caller().subject()).isEqualTo("alice");
            assertThat(alert.fileId()).contains(big);
            assertThat(alert.clientIp()).contains("10.0.0.1");
            assertThat(alert.labels()).containsEntry("bytes", "500000000");
            assertThat(alert.detail()).contains("larger");
        });
    }

    @Test
    void a_much_smaller_upload_counts_too_but_not_before_the_history_is_long_enough_nor_for_anonymous_callers() {
        for (int i = 0; i < 19; i++) {
            sizes.uploaded(alice, Optional.empty(), FileId.random(), 10_000_000);
            sizes.uploaded(Caller.anonymous(), Optional.empty(), FileId.random(), 10_000_000);
        }
        sizes.uploaded(Caller.anonymous(), Optional.empty(), FileId.random(), 10);
        assertThat(raised).isEmpty();
        sizes.uploaded(alice, Optional.empty(), FileId.random(), 10);
        assertThat(raised).as("the 20th upload is judged against 19: not yet").isEmpty();
        sizes.uploaded(alice, Optional.empty(), FileId.random(), 10);
        assertThat(raised).singleElement().satisfies(alert -> assertThat(alert.detail()).contains("smaller"));
    }
}
