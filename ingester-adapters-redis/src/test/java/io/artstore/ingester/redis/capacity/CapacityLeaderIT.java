package io.artstore.ingester.redis.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.SharedCapacity;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.redis.RedisConnections;
import io.artstore.ingester.redis.RedisSettings;
import io.artstore.ingester.redis.fixture.RedisProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two instances share one real redis-server and one storage element; exactly one polls it. */
class CapacityLeaderIT {

    private static final StorageElementId SE = StorageElementId.of("se-01");
    private static final Duration POLL = Duration.ofMillis(200);

    @TempDir
    Path dir;

    @Test
    void oneInstanceLeadsAFailedPollMarksUnhealthyAtOnceAndATakeOverFencesTheOldLeader() {
        ProbedElement element = new ProbedElement("se-01");
        try (RedisProcess redis = RedisProcess.start(dir);
                RedisConnections connections = RedisConnections.open(RedisSettings.standalone(redis.host(), redis.port()))) {
            CapacityMonitor a = monitor(connections, "instance-a", element);
            CapacityMonitor b = monitor(connections, "instance-b", element);
            try {
                Await.until(Duration.ofSeconds(5), "one instance leads",
                        () -> a.leading().size() + b.leading().size() == 1);
                CapacityMonitor leader = a.leading().isEmpty() ? b : a;
                CapacityMonitor follower = leader == a ? b : a;
                long firstToken = leader.leading().get(SE);
                // Several rounds later, still exactly one leader with the same token.
                int polled = element.polls();
                Await.until(Duration.ofSeconds(5), "more rounds pass", () -> element.polls() >= polled + 5);
                assertThat(leader.leading()).containsExactly(Map.entry(SE, firstToken));
                assertThat(follower.leading()).isEmpty();

                // The follower reads what the leader wrote, in the contract's hash.
                Await.until(Duration.ofSeconds(2), "the follower reads the report", () -> follower.reported(SE)
                        .filter(r -> r.health() == Health.HEALTHY && r.capacity().availableBytes() == 750).isPresent());
                Map<String, String> hash = connections.client().hgetAll("capacity:se-01");
                assertThat(hash).containsEntry("storage_id", "se-01").containsEntry("mode", "edit")
                        .containsEntry("total", "1000").containsEntry("used", "250").containsEntry("available", "750")
                        .containsEntry("percent_used", "25.00").containsEntry("health", "healthy")
                        .containsKeys("backend", "location", "last_update", "last_poll", "endpoint");
                assertThat(connections.client().ttl("capacity:se-01")).isBetween(590L, 600L);

                // A failed poll: unhealthy on the next round, not when the healthy report's 600 s run out.
                element.reachable(false);
                Duration took = Await.until(Duration.ofSeconds(2), "the follower sees it unhealthy",
                        () -> follower.reported(SE).map(SharedCapacity.Report::health).orElse(null) == Health.UNAVAILABLE);
                assertThat(took).isLessThan(Duration.ofSeconds(1));
                assertThat(connections.client().hget("capacity:se-01", "health")).isEqualTo("unhealthy");
                assertThat(connections.client().hget("capacity:se-01", "available")).isEqualTo("750");
                element.reachable(true);

                // The leader crashes (stops without releasing): the other takes over after the lock's TTL, with a
                // larger token, and the old leader's late write is refused.
                leader.stopPolling();
                Await.until(Duration.ofSeconds(5), "the follower takes over", () -> follower.leading().containsKey(SE));
                long secondToken = follower.leading().get(SE);
                assertThat(secondToken).isGreaterThan(firstToken);
                Await.until(Duration.ofSeconds(2), "the new leader writes", () -> String.valueOf(secondToken)
                        .equals(connections.client().hget("capacity:se-01", "fencing_token")));
                CapacityHashes hashes = new CapacityHashes(connections);
                assertThat(hashes.writeFailure(firstToken, SE, Instant.now())).isFalse();
                assertThat(connections.client().hget("capacity:se-01", "health")).isEqualTo("healthy");

                // Compare-and-delete: the old holder cannot free the new leader's lock.
                LeaderLock oldLock = new LeaderLock(connections, leader == a ? "instance-a" : "instance-b", Duration.ofSeconds(1));
                String oldHolder = (leader == a ? "instance-a" : "instance-b") + "|" + firstToken;
                assertThat(oldLock.release(new LeaderLock.Lease(SE, oldHolder, firstToken))).isFalse();
                assertThat(connections.client().exists(LeaderLock.lockKey(SE))).isTrue();

                // A clean stop frees the lock at once.
                follower.close();
                assertThat(connections.client().exists(LeaderLock.lockKey(SE))).isFalse();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static CapacityMonitor monitor(RedisConnections connections, String instance, StorageElement element) {
        return CapacityMonitor.start(connections, () -> List.of(element),
                new CapacityMonitor.Settings(instance, POLL, Duration.ofSeconds(1), Duration.ofSeconds(2)), Clock.systemUTC());
    }
}
