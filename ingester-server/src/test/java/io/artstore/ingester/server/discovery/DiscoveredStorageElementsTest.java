package io.artstore.ingester.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.DiscoveredElement;
import io.artstore.ingester.core.port.out.DiscoveryStatus;
import io.artstore.ingester.core.port.out.ServiceDiscovery;
import io.artstore.ingester.core.port.out.SharedCapacity;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.storage.http.HttpStorageSettings;
import io.artstore.ingester.storage.http.SharedHttpConnections;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.local.LocalStorageSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configured elements and the announced ones, as the announcement changes; no network is needed. */
class DiscoveredStorageElementsTest {

    private final SharedHttpConnections connections = SharedHttpConnections.open();
    private final AtomicInteger built = new AtomicInteger();
    private volatile ServiceDiscovery.Snapshot snapshot = new ServiceDiscovery.Snapshot(List.of(),
            new DiscoveryStatus.Live("test", Instant.EPOCH));

    @TempDir
    Path folder;

    @AfterEach
    void close() {
        connections.close();
    }

    @Test
    void announcedElementsAppearChangeAndDisappearBesideTheConfiguredOnes() {
        DiscoveredStorageElements elements = elements(List.of(local("local-rw", Mode.RW)));
        assertThat(ids(elements)).containsExactly("local-rw");

        announce(element("se-01", Mode.EDIT, 10, true), element("se-02", Mode.RW, 20, true));
        assertThat(ids(elements)).containsExactly("local-rw", "se-01", "se-02");
        assertThat(built).hasValue(2);
        assertThat(elements.all()).as("unchanged set, nothing rebuilt").hasSize(3);
        assertThat(built).hasValue(2);

        announce(element("se-01", Mode.RO, 10, true), element("se-03", Mode.EDIT, 5, true));
        assertThat(ids(elements)).containsExactly("local-rw", "se-01", "se-03");
        assertThat(elements.find(StorageElementId.of("se-01")).orElseThrow().describe().mode()).isEqualTo(Mode.RO);
        assertThat(elements.remote()).containsOnlyKeys(StorageElementId.of("se-01"), StorageElementId.of("se-03"));
        assertThat(built).as("se-01 changed mode, se-03 is new").hasValue(4);
    }

    @Test
    void aConfiguredElementWinsOverAnAnnouncedOneWithItsId() {
        DiscoveredStorageElements elements = elements(List.of(local("se-01", Mode.EDIT)));
        announce(element("se-01", Mode.RO, 1, true));
        assertThat(elements.all()).singleElement().isInstanceOf(LocalStorageElement.class);
        assertThat(built).hasValue(0);
    }

    @Test
    void healthAndSpaceComeFromTheSharedReportAndAnUnavailableAnnouncementTakesNoFiles() {
        DiscoveredStorageElements elements = elements(List.of());
        Capacity reported = new Capacity(1_000, 100, 900);
        elements.useSharedCapacity(id -> Optional.of(new SharedCapacity.Report(Health.HEALTHY, reported, Instant.now())));
        announce(element("se-01", Mode.EDIT, 10, true), element("se-02", Mode.EDIT, 10, false));

        StorageElementDescriptor first = elements.find(StorageElementId.of("se-01")).orElseThrow().describe();
        assertThat(first.health()).as("from the report, not from probing an unreachable address").isEqualTo(Health.HEALTHY);
        assertThat(first.capacity()).isEqualTo(reported);
        assertThat(first.priority()).isEqualTo(10);
        assertThat(elements.find(StorageElementId.of("se-02")).orElseThrow().describe().health()).isEqualTo(Health.UNAVAILABLE);

        elements.useSharedCapacity(id -> Optional.of(new SharedCapacity.Report(Health.UNAVAILABLE, reported, Instant.now())));
        assertThat(elements.find(StorageElementId.of("se-01")).orElseThrow().describe().health())
                .as("a failed poll reported by the leader").isEqualTo(Health.UNAVAILABLE);
    }

    @Test
    void anElementWhoseSettingsCannotBeMadeIsLeftOut() {
        DiscoveredStorageElements elements = new DiscoveredStorageElements(List.of(), () -> snapshot, announced -> {
            throw new IllegalArgumentException("no token is configured for it");
        }, UnaryOperator.identity());
        announce(element("se-01", Mode.EDIT, 10, true));
        assertThat(elements.all()).isEmpty();
    }

    private DiscoveredStorageElements elements(List<StorageElement> statics) {
        return new DiscoveredStorageElements(statics, () -> snapshot, announced -> {
            built.incrementAndGet();
            // An address nothing listens on: a probe would find the element unavailable.
            return connections.element(HttpStorageSettings.of(announced.id(), announced.mode(), announced.apiUrl(),
                    announced.priority(), new HttpStorageSettings.StaticToken("t")));
        }, UnaryOperator.identity());
    }

    private void announce(DiscoveredElement... elements) {
        snapshot = new ServiceDiscovery.Snapshot(List.of(elements), snapshot.status());
    }

    private static DiscoveredElement element(String id, Mode mode, int priority, boolean available) {
        return new DiscoveredElement(StorageElementId.of(id), id, URI.create("http://127.0.0.1:9/" + id), mode, priority,
                available, available ? "online" : "offline");
    }

    private StorageElement local(String id, Mode mode) {
        return LocalStorageElement.open(new LocalStorageSettings(StorageElementId.of(id), mode, folder.resolve(id), 100,
                OptionalLong.empty()), Clock.systemUTC());
    }

    private static List<String> ids(DiscoveredStorageElements elements) {
        return elements.all().stream().map(e -> e.id().value()).toList();
    }

}
