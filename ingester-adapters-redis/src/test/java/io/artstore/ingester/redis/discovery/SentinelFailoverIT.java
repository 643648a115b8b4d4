package io.artstore.ingester.redis.discovery;

import static io.artstore.ingester.redis.fixture.Snapshots.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.out.DiscoveredElement;
import io.artstore.ingester.core.port.out.DiscoveryStatus;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.redis.RedisConnections;
import io.artstore.ingester.redis.RedisSettings.Address;
import io.artstore.ingester.redis.fixture.SentinelSet;
import io.artstore.ingester.redis.fixture.Snapshots;
import io.artstore.ingester.redis.fixture.Snapshots.Entry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** A real master, replica and three sentinels from {@code scripts/redis-sentinel.sh}; the master dies by SIGKILL. */
class SentinelFailoverIT {

    @TempDir
    Path dir;

    @Test
    void discoveryFollowsTheNewMasterWithinSecondsAfterTheMasterIsKilled() {
        Entry se1 = entry(1, "se-01", "edit", 100);
        Entry se2 = entry(2, "se-02", "rw", 100);
        try (SentinelSet sentinels = SentinelSet.start(dir.resolve("sentinel"));
                RedisConnections connections = RedisConnections.open(sentinels.settings())) {
            Snapshots.write(connections.client(), 1, List.of(se1));
            assertThat(connections.currentMaster()).contains(new Address("127.0.0.1", sentinels.masterPort()));
            try (RedisServiceDiscovery discovery = RedisServiceDiscovery.start(connections,
                    new RedisServiceDiscovery.Settings(Duration.ofMillis(300), dir.resolve("last-known.json"), 2,
                            Duration.ofMillis(500), Duration.ofMillis(200)), Clock.systemUTC())) {
                assertThat(ids(discovery)).containsExactly("se-01");

                sentinels.killMaster();
                long killed = System.nanoTime();
                Await.until(Duration.ofSeconds(15), "the client writes to the promoted replica",
                        () -> connections.currentMaster().equals(
                                Optional.of(new Address("127.0.0.1", sentinels.replicaPort()))));
                // The admin module, also following the sentinels, writes the next snapshot to the new master.
                Await.until(Duration.ofSeconds(10), "the new master takes writes", () -> {
                    Snapshots.publish(connections.client(), 2, List.of(se1, se2), "updated");
                    return true;
                });
                Await.until(Duration.ofSeconds(5), "discovery reads the new master",
                        () -> ids(discovery).equals(List.of("se-01", "se-02"))
                                && discovery.current().status() instanceof DiscoveryStatus.Live);
                Duration took = Duration.ofNanos(System.nanoTime() - killed);
                assertThat(took).isLessThan(Duration.ofSeconds(15));
                System.out.println("discovery followed the new master " + took.toMillis() + " ms after the SIGKILL");
            }
        }
    }

    /**
     * The sentinels are made to name another master without any {@code +switch-master} message (as if it were lost):
     * only asking them again finds it.
     */
    @Test
    void theSentinelsAreAskedAgainSoThatALostSwitchMessageDoesNotLeaveTheClientOnTheOldMaster() {
        try (SentinelSet sentinels = SentinelSet.start(dir.resolve("sentinel"));
                RedisConnections connections = RedisConnections.open(sentinels.settings())) {
            connections.client().set("probe", "old master");
            assertThat(connections.currentMaster()).contains(new Address("127.0.0.1", sentinels.masterPort()));

            try (Jedis replica = new Jedis("127.0.0.1", sentinels.replicaPort())) {
                replica.replicaofNoOne();
            }
            for (Address sentinel : sentinels.sentinels()) {
                try (Jedis jedis = new Jedis(sentinel.host(), sentinel.port())) {
                    jedis.sentinelRemove(SentinelSet.MASTER_NAME);
                    jedis.sentinelMonitor(SentinelSet.MASTER_NAME, "127.0.0.1", sentinels.replicaPort(), 2);
                }
            }

            Await.until(Duration.ofSeconds(10), "the client moves to the master the sentinels name",
                    () -> connections.currentMaster().equals(Optional.of(new Address("127.0.0.1", sentinels.replicaPort()))));
            connections.client().set("probe", "new master");
            try (Jedis promoted = new Jedis("127.0.0.1", sentinels.replicaPort())) {
                assertThat(promoted.get("probe")).isEqualTo("new master");
            }
        }
    }

    private static List<String> ids(RedisServiceDiscovery discovery) {
        return discovery.current().elements().stream().map(DiscoveredElement::id).map(Object::toString).toList();
    }
}
