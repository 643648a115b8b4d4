package io.artstore.ingester.redis;

import static io.artstore.ingester.redis.fixture.Snapshots.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.DiscoveredElement;
import io.artstore.ingester.core.port.out.DiscoveryStatus;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.redis.RedisSettings.Address;
import io.artstore.ingester.redis.capacity.LeaderLock;
import io.artstore.ingester.redis.discovery.RedisServiceDiscovery;
import io.artstore.ingester.redis.fixture.RedisProcess;
import io.artstore.ingester.redis.fixture.Snapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/** Three real redis-server processes joined into a Redis Cluster by {@code redis-cli --cluster create}. */
class RedisClusterIT {

    @TempDir
    Path dir;

    @Test
    void discoveryAndTheFencedCapacityLockWorkAcrossSlots() throws Exception {
        List<RedisProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Path folder = dir.resolve("node-" + i);
                nodes.add(RedisProcess.start(folder, "--cluster-enabled", "yes", "--cluster-config-file",
                        folder.resolve("nodes.conf").toString()));
            }
            createCluster(nodes);
            RedisSettings settings = new RedisSettings(new RedisSettings.Cluster(nodes.stream()
                    .map(node -> new Address(node.host(), node.port())).toList()), Optional.empty(), 0, false,
                    Duration.ofSeconds(2), RedisSettings.DEFAULT_MASTER_RECHECK);
            try (RedisConnections connections = RedisConnections.open(settings)) {
                Snapshots.write(connections.client(), 1, List.of(entry(1, "se-01", "edit", 10)));
                try (RedisServiceDiscovery discovery = RedisServiceDiscovery.start(connections,
                        new RedisServiceDiscovery.Settings(Duration.ofMillis(300), dir.resolve("last.json"), 3,
                                Duration.ofSeconds(1), Duration.ofMillis(200)), Clock.systemUTC())) {
                    assertThat(discovery.current().status()).isInstanceOf(DiscoveryStatus.Live.class);
                    Snapshots.publish(connections.client(), 2, List.of(entry(1, "se-01", "ro", 10),
                            entry(2, "se-02", "edit", 5)), "updated");
                    Await.until(Duration.ofSeconds(1), "discovery follows on a cluster", () -> modes(discovery)
                            .equals(Map.of("se-01", Mode.RO, "se-02", Mode.EDIT)));
                }

                // Lock and fencing counter of one element share a slot; elements spread over the slots.
                for (String id : List.of("se-01", "se-02", "se-03")) {
                    StorageElementId element = StorageElementId.of(id);
                    assertThat(JedisClusterCRC16.getSlot(LeaderLock.lockKey(element)))
                            .isEqualTo(JedisClusterCRC16.getSlot(LeaderLock.fencingKey(element)));
                    LeaderLock first = new LeaderLock(connections, "a", Duration.ofSeconds(30));
                    LeaderLock second = new LeaderLock(connections, "b", Duration.ofSeconds(30));
                    LeaderLock.Lease lease = first.tryAcquire(element).orElseThrow();
                    assertThat(second.tryAcquire(element)).isEmpty();
                    assertThat(first.renew(lease)).isTrue();
                    assertThat(first.release(lease)).isTrue();
                    assertThat(second.tryAcquire(element).orElseThrow().token()).isGreaterThan(lease.token());
                }
                assertThat(List.of("se-01", "se-02", "se-03").stream()
                        .map(id -> JedisClusterCRC16.getSlot(LeaderLock.lockKey(StorageElementId.of(id))))
                        .collect(Collectors.toSet())).hasSize(3);
            }
        } finally {
            nodes.forEach(RedisProcess::close);
        }
    }

    private static void createCluster(List<RedisProcess> nodes) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> command.add(node.host() + ":" + node.port()));
        command.add("--cluster-yes");
        Process create = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(nodes.get(0).dir().resolve("cluster-create.out").toFile()).start();
        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isZero();
        for (RedisProcess node : nodes) {
            Await.until(Duration.ofSeconds(20), "node " + node.port() + " sees the cluster ok", () -> {
                try (Jedis jedis = new Jedis(node.host(), node.port())) {
                    return jedis.clusterInfo().contains("cluster_state:ok");
                }
            });
        }
    }

    private static Map<String, Mode> modes(RedisServiceDiscovery discovery) {
        return discovery.current().elements().stream()
                .collect(Collectors.toMap(e -> e.id().value(), DiscoveredElement::mode));
    }
}
