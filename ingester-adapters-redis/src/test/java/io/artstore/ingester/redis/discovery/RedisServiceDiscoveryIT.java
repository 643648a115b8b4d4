package io.artstore.ingester.redis.discovery;

import static io.artstore.ingester.redis.fixture.Snapshots.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.DiscoveredElement;
import io.artstore.ingester.core.port.out.DiscoveryStatus;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.redis.RedisConnections;
import io.artstore.ingester.redis.RedisSettings;
import io.artstore.ingester.redis.fixture.RedisProcess;
import io.artstore.ingester.redis.fixture.Snapshots;
import io.artstore.ingester.redis.fixture.Snapshots.Entry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real redis-server; the admin module is simulated by writing its snapshot key and publishing its event. */
class RedisServiceDiscoveryIT {

    private static final Entry SE1 = entry(1, "se-01", "edit", 100);
    private static final Entry SE2 = entry(2, "se-02", "rw", 100);
    private static final Entry SE3 = entry(3, "se-03", "rw", 50);
    private static final Entry SE4 = entry(4, "se-04", "edit", 10);

    @TempDir
    Path dir;

    @Test
    void theChannelMessageMakesTheSetFollowAtOnceWhilePollingIsRare() {
        try (RedisProcess redis = RedisProcess.start(dir.resolve("redis"));
                RedisConnections connections = RedisConnections.open(standalone(redis))) {
            Snapshots.write(connections.client(), 1, List.of(SE1, SE2, SE3));
            try (RedisServiceDiscovery discovery = start(connections, Duration.ofMinutes(10))) {
                assertThat(modes(discovery)).containsOnlyKeys("se-01", "se-02", "se-03");
                assertThat(discovery.current().status()).isInstanceOf(DiscoveryStatus.Live.class);
                Await.until(Duration.ofSeconds(5), "the discovery subscribes", () -> Snapshots.subscribers(redis.host(), redis.port()) > 0);

                // The admin adds se-04, puts se-02 in ro and removes se-03.
                Snapshots.publish(connections.client(), 2, List.of(SE1, SE2.withMode("ro"), SE4), "updated");

                Duration took = Await.until(Duration.ofSeconds(1), "the set follows the message",
                        () -> modes(discovery).equals(Map.of("se-01", Mode.EDIT, "se-02", Mode.RO, "se-04", Mode.EDIT)));
                assertThat(took).isLessThan(Duration.ofSeconds(1));
                assertThat(discovery.current().elements()).filteredOn(e -> e.id().value().equals("se-04"))
                        .singleElement().satisfies(e -> {
                            assertThat(e.priority()).isEqualTo(10);
                            assertThat(e.apiUrl().toString()).isEqualTo(SE4.apiUrl());
                            assertThat(e.available()).isTrue();
                        });
            }
        }
    }

    @Test
    void pollingCatchesAChangeWhoseMessageWasLost() {
        try (RedisProcess redis = RedisProcess.start(dir.resolve("redis"));
                RedisConnections connections = RedisConnections.open(standalone(redis))) {
            Snapshots.write(connections.client(), 1, List.of(SE1, SE2, SE3));
            try (RedisServiceDiscovery discovery = start(connections, Duration.ofMillis(500))) {
                assertThat(modes(discovery)).containsOnlyKeys("se-01", "se-02", "se-03");

                Snapshots.write(connections.client(), 2, List.of(SE1, SE2.withMode("ro"), SE4)); // no message

                Await.until(Duration.ofSeconds(1), "polling finds the change",
                        () -> modes(discovery).equals(Map.of("se-01", Mode.EDIT, "se-02", Mode.RO, "se-04", Mode.EDIT)));
            }
        }
    }

    @Test
    void redisDownAtStartUsesTheSetKeptOnDiskAndRecoversByItself() {
        int port = RedisProcess.freePort();
        RedisSettings settings = RedisSettings.standalone("127.0.0.1", port).withTimeout(Duration.ofMillis(300));
        // A first run sees the set and keeps it on disk.
        try (RedisProcess redis = RedisProcess.start(dir.resolve("redis"), port);
                RedisConnections connections = RedisConnections.open(settings)) {
            Snapshots.write(connections.client(), 1, List.of(SE1, SE2));
            try (RedisServiceDiscovery discovery = start(connections, Duration.ofMillis(200))) {
                assertThat(modes(discovery)).containsOnlyKeys("se-01", "se-02");
            }
            assertThat(redis.port()).isEqualTo(port);
        }
        // Redis is gone: the next start takes the set from disk and says it falls back.
        try (RedisConnections connections = RedisConnections.open(settings);
                RedisServiceDiscovery discovery = start(connections, Duration.ofMillis(200))) {
            assertThat(modes(discovery)).containsOnlyKeys("se-01", "se-02");
            assertThat(discovery.current().status()).isInstanceOfSatisfying(DiscoveryStatus.Fallback.class,
                    fallback -> assertThat(fallback.reason()).contains("Redis"));

            try (RedisProcess redis = RedisProcess.start(dir.resolve("redis"), port)) {
                assertThat(redis.port()).isEqualTo(port);
                Snapshots.write(connections.client(), 2, List.of(SE1, SE3));
                Await.until(Duration.ofSeconds(10), "discovery reads Redis again",
                        () -> discovery.current().status() instanceof DiscoveryStatus.Live
                                && modes(discovery).keySet().equals(java.util.Set.of("se-01", "se-03")));
            }
        }
    }

    @Test
    void redisLostMidRunKeepsTheLastSetAndSaysSince() {
        int port = RedisProcess.freePort();
        RedisSettings settings = RedisSettings.standalone("127.0.0.1", port).withTimeout(Duration.ofMillis(300));
        try (RedisConnections connections = RedisConnections.open(settings)) {
            RedisProcess redis = RedisProcess.start(dir.resolve("redis"), port);
            try (RedisServiceDiscovery discovery = start(connections, Duration.ofMillis(200))) {
                Snapshots.write(connections.client(), 1, List.of(SE1, SE2));
                Await.until(Duration.ofSeconds(2), "the set is read", () -> modes(discovery).size() == 2);

                redis.kill();
                Await.until(Duration.ofSeconds(5), "discovery falls back",
                        () -> discovery.current().status() instanceof DiscoveryStatus.Fallback);
                assertThat(modes(discovery)).containsOnlyKeys("se-01", "se-02");
                DiscoveryStatus.Fallback fallback = (DiscoveryStatus.Fallback) discovery.current().status();
                Await.until(Duration.ofSeconds(3), "the breaker opens", () -> discovery.breakerState().equals("open"));
                assertThat(((DiscoveryStatus.Fallback) discovery.current().status()).since()).isEqualTo(fallback.since());

                redis = RedisProcess.start(dir.resolve("redis"), port);
                Snapshots.write(connections.client(), 2, List.of(SE1, SE2.withMode("ro")));
                Await.until(Duration.ofSeconds(10), "discovery reads Redis again",
                        () -> discovery.current().status() instanceof DiscoveryStatus.Live
                                && modes(discovery).get("se-02") == Mode.RO);
            } finally {
                redis.close();
            }
        }
    }

    @Test
    void entriesWithoutElementIdOrApiUrlAreLeftOut() {
        Entry noUrl = new Entry(5, "se-05", "", "edit", 100, true);
        List<DiscoveredElement> parsed = SnapshotParser.parse(Snapshots.snapshot(1, List.of(SE1, noUrl)));
        assertThat(parsed).extracting(DiscoveredElement::id).containsExactly(StorageElementId.of("se-01"));
    }

    private RedisServiceDiscovery start(RedisConnections connections, Duration pollInterval) {
        return RedisServiceDiscovery.start(connections, new RedisServiceDiscovery.Settings(pollInterval,
                dir.resolve("data/discovery/storage-elements.json"), 2, Duration.ofSeconds(1), Duration.ofMillis(200)),
                Clock.systemUTC());
    }

    private static RedisSettings standalone(RedisProcess redis) {
        return RedisSettings.standalone(redis.host(), redis.port());
    }

    private static Map<String, Mode> modes(RedisServiceDiscovery discovery) {
        return discovery.current().elements().stream()
                .collect(Collectors.toMap(e -> e.id().value(), DiscoveredElement::mode));
    }
}
