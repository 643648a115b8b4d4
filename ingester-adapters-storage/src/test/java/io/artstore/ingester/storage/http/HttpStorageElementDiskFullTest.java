package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.service.Placement;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.storage.embedded.InMemoryCapacityReservations;
import io.artstore.ingester.storage.embedded.StaticStorageElements;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A storage element whose disk fills answers 500, as the real one does; the adapter tells the client 507. */
class HttpStorageElementDiskFullTest {

    private static final Duration PROBE_TTL = Duration.ofMinutes(1);

    @TempDir
    Path root;

    private SeFixtures fixtures;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @BeforeEach
    void startFixtures() {
        fixtures = new SeFixtures(root, true);
    }

    @AfterEach
    void stopFixtures() {
        fixtures.close();
    }

    @Test
    void a_500_to_an_upload_that_could_not_fit_is_insufficient_storage() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = element(server, Mode.EDIT, 0);
        server.faults().freeSpace(10_000);
        StoreRequest request = aStoreRequest().build();

        assertThatThrownBy(() -> element.store(request, new ByteArrayInputStream(randomBytes(300_000))))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).as(e.getMessage()).isEqualTo(Kind.INSUFFICIENT_STORAGE);
                    assertThat(e.code()).isEqualTo("insufficient_storage");
                    assertThat(e.getMessage()).contains(element.id().value()).contains("10000 bytes free");
                });
        server.faults().clear();
        assertThat(element.stat(request.fileId())).isEmpty();
        fixtures.assertNoLeftovers();
    }

    @Test
    void an_element_that_ran_out_of_room_counts_as_full_until_its_next_probe() {
        StorageElementServer tight = fixtures.start(Mode.RW, 0);
        StorageElementServer roomy = fixtures.start(Mode.RW, 1);
        HttpStorageElement preferred = element(tight, Mode.RW, 0);
        HttpStorageElement fallback = element(roomy, Mode.RW, 1);
        tight.faults().freeSpace(10_000);
        assertThat(preferred.describe().capacity().availableBytes()).isEqualTo(10_000);

        assertThatThrownBy(() -> preferred.store(aStoreRequest().build(), new ByteArrayInputStream(randomBytes(300_000))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("insufficient_storage"));

        // The SE still reports 10,000 bytes free, but the element is passed over even for a file that would fit.
        assertThat(preferred.describe().capacity().availableBytes()).isZero();
        StorageElementSelector selector = new StorageElementSelector(
                new StaticStorageElements(List.of(preferred, fallback)), new InMemoryCapacityReservations(),
                StorageElementSelector.DEFAULT_GROWTH_STEP);
        try (Placement placement = selector.place(Mode.RW, Optional.empty(), OptionalLong.of(500))) {
            assertThat(placement.element()).isSameAs(fallback);
        }

        clock.advance(PROBE_TTL.plusSeconds(1));
        assertThat(preferred.describe().capacity().availableBytes()).isEqualTo(10_000);
        try (Placement placement = selector.place(Mode.RW, Optional.empty(), OptionalLong.of(500))) {
            assertThat(placement.element()).isSameAs(preferred);
        }
        fixtures.assertNoLeftovers();
    }

    @Test
    void a_500_to_an_upload_that_had_room_stays_an_se_error() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = element(server, Mode.EDIT, 0);
        // Uploads fail with a 500 while the SE reports ample free space: not a question of room.
        server.faults().failWrites(true).freeSpace(100_000_000);

        assertThatThrownBy(() -> element.store(aStoreRequest().build(), new ByteArrayInputStream(randomBytes(300_000))))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).as(e.getMessage()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.code()).isEqualTo("se_error");
                });
        assertThat(element.describe().capacity().availableBytes()).isEqualTo(100_000_000);
        fixtures.assertNoLeftovers();
    }

    @Test
    void the_free_space_goes_down_with_each_file_stored_and_back_up_with_each_deleted_until_a_file_no_longer_fits() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = element(server, Mode.EDIT, 0);
        server.faults().freeSpace(10_000);
        StoreRequest first = aStoreRequest().build();
        element.store(first, new ByteArrayInputStream(randomBytes(6_000)));

        clock.advance(PROBE_TTL.plusSeconds(1));
        assertThat(element.describe().capacity().availableBytes()).isEqualTo(4_000);
        assertThatThrownBy(() -> element.store(aStoreRequest().build(), new ByteArrayInputStream(randomBytes(5_000))))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.code()).isEqualTo("insufficient_storage");
                    assertThat(e.getCause()).hasMessageContaining("HTTP 500").hasMessageContaining("Failed to create file");
                });

        assertThat(element.delete(first.fileId())).isTrue();
        clock.advance(PROBE_TTL.plusSeconds(1));
        assertThat(element.describe().capacity().availableBytes()).isEqualTo(10_000);
        element.store(aStoreRequest().build(), new ByteArrayInputStream(randomBytes(5_000)));
        fixtures.assertNoLeftovers();
    }

    private HttpStorageElement element(StorageElementServer server, Mode mode, int priority) {
        return new HttpStorageElement(fixtures.settings(server, mode, priority).withCapacityCacheTtl(PROBE_TTL),
                SeFixtures.SHARED_CLIENT, clock);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
