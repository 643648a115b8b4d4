package io.artstore.ingester.storage.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.storage.fixture.Eventually;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readiness and capacity probe behind {@code describe()}, which every upload asks for. */
class HttpStorageElementProbeTest {

    private static final Duration PROBE_TTL = Duration.ofMinutes(1);
    private static final Duration HELD = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private SeFixtures fixtures;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void startFixtures() {
        fixtures = new SeFixtures(root, false);
    }

    @AfterEach
    void stopFixtures() throws InterruptedException {
        fixtures.close();
        callers.shutdown();
        assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).as("callers finished once the SE stopped").isTrue();
    }

    @Test
    void while_one_caller_probes_a_stale_cache_again_the_others_are_answered_from_the_last_probe() throws Exception {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = new HttpStorageElement(fixtures.settings(server, Mode.EDIT, 0)
                .withCapacityCacheTtl(PROBE_TTL), SeFixtures.SHARED_CLIENT, clock);
        StorageElementDescriptor first = element.describe();
        assertThat(first.health()).isEqualTo(Health.HEALTHY);

        // The next probe's capacity call is held by the SE for a while.
        server.faults().stall(HELD);
        clock.advance(PROBE_TTL);
        long requestsBefore = server.apiRequests();
        CompletableFuture<StorageElementDescriptor> prober = CompletableFuture.supplyAsync(element::describe, callers);
        Eventually.await("the probe's capacity call reached the SE", Duration.ofSeconds(10),
                () -> server.apiRequests() > requestsBefore);

        for (int i = 0; i < 8; i++) {
            StorageElementDescriptor meanwhile = CompletableFuture.supplyAsync(element::describe, callers)
                    .get(10, TimeUnit.SECONDS);
            assertThat(meanwhile.health()).isEqualTo(Health.HEALTHY);
            assertThat(meanwhile.capacity()).isEqualTo(first.capacity());
        }
        assertThat(prober).as("the probe is still held by the SE").isNotDone();
        assertThat(server.apiRequests()).as("no second probe while one runs").isEqualTo(requestsBefore + 1);
        server.faults().clear();
        assertThat(prober.get(60, TimeUnit.SECONDS).health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void before_the_first_probe_answered_callers_wait_for_it() throws Exception {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = new HttpStorageElement(fixtures.settings(server, Mode.EDIT, 0)
                .withCapacityCacheTtl(PROBE_TTL), SeFixtures.SHARED_CLIENT, clock);
        server.faults().stall(Duration.ofSeconds(2));
        long requestsBefore = server.apiRequests();
        CompletableFuture<StorageElementDescriptor> prober = CompletableFuture.supplyAsync(element::describe, callers);
        Eventually.await("the probe's capacity call reached the SE", Duration.ofSeconds(10),
                () -> server.apiRequests() > requestsBefore);
        CompletableFuture<StorageElementDescriptor> waiting = CompletableFuture.supplyAsync(element::describe, callers);

        // Nothing is known yet, so the second caller has no answer to give but the first probe's.
        StorageElementDescriptor probed = prober.get(60, TimeUnit.SECONDS);
        assertThat(probed.health()).isEqualTo(Health.HEALTHY);
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(probed);
        assertThat(server.apiRequests()).as("one probe").isEqualTo(requestsBefore + 1);
    }
}
