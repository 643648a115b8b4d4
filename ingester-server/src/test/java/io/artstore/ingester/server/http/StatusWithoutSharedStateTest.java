package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.server.transfer.TransferCounts;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.local.LocalStorageSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code state: redis} the status reads reservations, transfers and sagas from Redis. While Redis is down the
 * status still answers, says the shared state is unavailable, and does not ask it again at every request.
 */
class StatusWithoutSharedStateTest {

    @TempDir
    Path folder;

    private final AtomicBoolean down = new AtomicBoolean(true);
    private final AtomicInteger asked = new AtomicInteger();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T07:00:00Z"));

    @Test
    void the_status_answers_without_the_shared_figures_while_the_shared_state_is_unavailable() {
        StatusReport report = report();

        JsonNode status = report.status();

        assertThat(status.path("shared_state").path("status").asText()).isEqualTo("unavailable");
        assertThat(status.path("shared_state").path("code").asText()).isEqualTo("state_store_unavailable");
        assertThat(status.path("shared_state").path("since").asText()).isEqualTo("2026-12-07T07:00:00Z");
        assertThat(status.path("transfers").has("in_flight")).as("no made-up count").isFalse();
        assertThat(status.path("sagas").size()).isZero();
        assertThat(status.path("reservations").has("outstanding_bytes")).isFalse();
        assertThat(status.path("storage_elements").get(0).has("reserved_bytes")).isFalse();
        assertThat(status.path("storage_elements").get(0).path("id").asText()).isEqualTo("local-edit");
        assertThat(asked.get()).as("one unanswered call is enough to stop asking").isEqualTo(1);

        int before = asked.get();
        clock.advance(StatusReport.SHARED_STATE_QUIET.minusMillis(1));
        assertThat(report.status().path("shared_state").path("status").asText()).isEqualTo("unavailable");
        assertThat(asked.get()).as("not asked again within the quiet period").isEqualTo(before);

        down.set(false);
        clock.advance(Duration.ofMillis(1));
        JsonNode back = report.status();
        assertThat(back.path("shared_state").path("status").asText()).isEqualTo("ok");
        assertThat(back.path("transfers").path("in_flight").asLong()).isEqualTo(2);
        assertThat(back.path("sagas").path("running").asLong()).isEqualTo(1);
        assertThat(back.path("reservations").path("outstanding_bytes").asLong()).isEqualTo(7);
        assertThat(back.path("storage_elements").get(0).path("reserved_bytes").asLong()).isEqualTo(7);
    }

    @Test
    void other_failures_of_the_shared_state_are_not_hidden() {
        StatusReport report = new StatusReport(List::of, reservations(), new ServiceInfo("1", "i-1", clock.instant()),
                Map.of(), false, clock, CircuitBreakers.NONE, () -> {
                    throw new IllegalStateException("a defect");
                }, Map::of);

        org.assertj.core.api.Assertions.assertThatThrownBy(report::status).isInstanceOf(IllegalStateException.class);
    }

    private StatusReport report() {
        StorageElement element = LocalStorageElement.open(new LocalStorageSettings(StorageElementId.of("local-edit"), Mode.EDIT,
                folder.resolve("local-edit"), 100, OptionalLong.empty()), clock);
        return new StatusReport(() -> List.of(element), reservations(), new ServiceInfo("1", "i-1", clock.instant()), Map.of(),
                false, clock, CircuitBreakers.NONE, () -> answer(new TransferCounts(2, 0, 0, 0)),
                () -> answer(Map.<String, Object>of("running", 1)));
    }

    private <T> T answer(T value) {
        asked.incrementAndGet();
        if (down.get()) {
            throw new IngestException(IngestException.Kind.UNAVAILABLE, "state_store_unavailable", "Redis does not answer");
        }
        return value;
    }

    private CapacityReservations reservations() {
        return new CapacityReservations() {
            @Override
            public Optional<Reservation> tryReserve(StorageElementId element, long bytes, long reportedAvailableBytes) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long outstandingBytes(StorageElementId element) {
                return answer(7L);
            }
        };
    }
}
