package io.artstore.ingester.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StorageElementSelectorTest {

    private static final long GROWTH = 1000;
    private final List<StorageElement> elements = new ArrayList<>();
    private final StorageElements registry = () -> List.copyOf(elements);
    private final FakeCapacityReservations reservations = new FakeCapacityReservations();
    private final StorageElementSelector selector = new StorageElementSelector(registry, reservations, GROWTH);

    @Test
    void takes_the_lowest_priority_number_of_the_requested_mode() {
        element("rw-1", Mode.RW, 1, Health.HEALTHY, 10_000);
        element("edit-2", Mode.EDIT, 2, Health.HEALTHY, 10_000);
        element("edit-1", Mode.EDIT, 1, Health.HEALTHY, 10_000);

        assertThat(place(Mode.EDIT, 100)).isEqualTo("edit-1");
    }

    @Test
    void skips_unavailable_elements_and_prefers_healthy_over_degraded() {
        element("down", Mode.EDIT, 1, Health.UNAVAILABLE, 10_000);
        element("degraded", Mode.EDIT, 2, Health.DEGRADED, 10_000);
        element("healthy", Mode.EDIT, 3, Health.HEALTHY, 10_000);

        assertThat(place(Mode.EDIT, 100)).isEqualTo("healthy");
    }

    @Test
    void uses_a_degraded_element_when_nothing_healthy_is_left() {
        element("down", Mode.EDIT, 1, Health.UNAVAILABLE, 10_000);
        element("degraded", Mode.EDIT, 2, Health.DEGRADED, 10_000);

        assertThat(place(Mode.EDIT, 100)).isEqualTo("degraded");
    }

    @Test
    void moves_on_when_the_first_choice_has_no_room() {
        element("small", Mode.RW, 1, Health.HEALTHY, 500);
        element("big", Mode.RW, 2, Health.HEALTHY, 5000);

        assertThat(place(Mode.RW, 1000)).isEqualTo("big");
    }

    @Test
    void space_reserved_by_uploads_in_flight_counts_against_free_space() {
        element("only", Mode.EDIT, 1, Health.HEALTHY, 1000);
        Placement first = selector.place(Mode.EDIT, Optional.empty(), OptionalLong.of(600));

        assertThatThrownBy(() -> selector.place(Mode.EDIT, Optional.empty(), OptionalLong.of(600)))
                .satisfies(failure(Kind.INSUFFICIENT_STORAGE, "insufficient_storage"));

        first.close();
        assertThat(place(Mode.EDIT, 600)).isEqualTo("only");
    }

    @Test
    void bytes_already_written_no_longer_count_against_free_space_twice() {
        long mib = 1024 * 1024;
        element("only", Mode.EDIT, 1, Health.HEALTHY, 10 * mib);
        Placement first = selector.place(Mode.EDIT, Optional.empty(), OptionalLong.of(8 * mib));
        assertThatThrownBy(() -> place(Mode.EDIT, 6 * mib)).satisfies(failure(Kind.INSUFFICIENT_STORAGE, "insufficient_storage"));

        first.stored(5 * mib); // these bytes now show in the element's own free-space figure

        assertThat(reservations.outstandingBytes(StorageElementId.of("only"))).isEqualTo(3 * mib);
        assertThat(place(Mode.EDIT, 6 * mib)).isEqualTo("only");
    }

    @Test
    void an_upload_that_outgrows_the_free_space_is_cut_off_with_507() {
        element("only", Mode.EDIT, 1, Health.HEALTHY, 1500);
        Placement placement = selector.place(Mode.EDIT, Optional.empty(), OptionalLong.empty());
        assertThat(placement.reservedBytes()).isEqualTo(GROWTH);

        assertThatThrownBy(() -> placement.stored(1600)).satisfies(failure(Kind.INSUFFICIENT_STORAGE, "insufficient_storage"));
    }

    @Test
    void an_unknown_size_grows_the_reservation_step_by_step() {
        element("only", Mode.EDIT, 1, Health.HEALTHY, 10_000);
        Placement placement = selector.place(Mode.EDIT, Optional.empty(), OptionalLong.empty());

        placement.stored(2500);

        assertThat(placement.reservedBytes()).isEqualTo(3 * GROWTH);
        placement.close();
        assertThat(reservations.totalOutstanding()).isZero();
    }

    @Test
    void a_named_element_is_used_when_its_mode_matches() {
        element("edit-1", Mode.EDIT, 1, Health.HEALTHY, 10_000);
        element("edit-2", Mode.EDIT, 2, Health.HEALTHY, 10_000);

        Placement placement = selector.place(Mode.EDIT, Optional.of(StorageElementId.of("edit-2")), OptionalLong.of(10));

        assertThat(placement.descriptor().id().value()).isEqualTo("edit-2");
    }

    @Test
    void a_named_element_of_another_mode_is_a_conflict() {
        element("rw-1", Mode.RW, 1, Health.HEALTHY, 10_000);

        assertThatThrownBy(() -> selector.place(Mode.EDIT, Optional.of(StorageElementId.of("rw-1")), OptionalLong.of(10)))
                .satisfies(failure(Kind.CONFLICT, "wrong_mode"));
    }

    @Test
    void an_unknown_named_element_is_a_bad_request() {
        assertThatThrownBy(() -> selector.place(Mode.EDIT, Optional.of(StorageElementId.of("nope")), OptionalLong.of(10)))
                .satisfies(failure(Kind.INVALID_REQUEST, "unknown_storage_element"));
    }

    @Test
    void no_element_of_the_mode_means_unavailable() {
        element("rw-1", Mode.RW, 1, Health.HEALTHY, 10_000);

        assertThatThrownBy(() -> place(Mode.EDIT, 10)).satisfies(failure(Kind.UNAVAILABLE, "no_storage_element"));
    }

    @Test
    void every_element_down_means_unavailable() {
        element("down", Mode.EDIT, 1, Health.UNAVAILABLE, 10_000);

        assertThatThrownBy(() -> place(Mode.EDIT, 10)).satisfies(failure(Kind.UNAVAILABLE, "storage_unavailable"));
    }

    private String place(Mode mode, long size) {
        return selector.place(mode, Optional.empty(), OptionalLong.of(size)).descriptor().id().value();
    }

    private static java.util.function.Consumer<Throwable> failure(Kind kind, String code) {
        return thrown -> {
            assertThat(thrown).isInstanceOf(IngestException.class);
            assertThat(((IngestException) thrown).kind()).isEqualTo(kind);
            assertThat(((IngestException) thrown).code()).isEqualTo(code);
        };
    }

    /** An element that only describes itself: selection reads nothing else. */
    private void element(String id, Mode mode, int priority, Health health, long available) {
        StorageElementDescriptor descriptor = new StorageElementDescriptor(StorageElementId.of(id), mode, priority, health,
                new Capacity(available, 0, available), "/se/" + id);
        elements.add((StorageElement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {StorageElement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "describe" -> descriptor;
                    case "id" -> descriptor.id();
                    case "toString" -> id;
                    default -> throw new UnsupportedOperationException(method.getName());
                }));
    }
}
