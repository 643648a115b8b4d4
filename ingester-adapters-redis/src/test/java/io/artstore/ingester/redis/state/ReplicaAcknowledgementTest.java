package io.artstore.ingester.redis.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.testing.ClockSleeper;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.redis.fixture.RedisProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** Durable writes wait for replicas: without enough of them, nothing is acknowledged. */
class ReplicaAcknowledgementTest {

    private static final Duration WAIT = Duration.ofMillis(200);

    @TempDir
    Path dir;

    @Test
    void without_a_replica_a_write_that_needs_one_is_not_acknowledged_and_no_saga_step_runs() {
        try (RedisProcess master = RedisProcess.start(dir.resolve("master"));
                RedisClient client = RedisClient.create(master.host(), master.port())) {
            RedisState state = new RedisState(client, RedisState.Settings.standalone("instance-a").withReplicas(1, WAIT));
            List<String> effects = new ArrayList<>();
            SagaDefinition<Map<String, String>> saga = SagaDefinition.named("store")
                    .step("store").invoke((data, attempt) -> {
                        effects.add("store");
                        return data;
                    }).withCompensation((data, attempt) -> data)
                    .build();
            ManualClock clock = ManualClock.atSomeInstant();
            SagaOrchestrator orchestrator = new SagaOrchestrator(new RedisSagaLog(state), List.of(saga),
                    new SagaEngine(JitterSource.hashed()), new SagaOrchestrator.Settings("instance-a", Duration.ofMinutes(1),
                    Duration.ofMinutes(5)), clock, new ClockSleeper(clock), SagaListener.NONE);

            assertNotReplicated(() -> orchestrator.run(saga, new SagaId("saga-1"), Map.of()));
            assertThat(effects).isEmpty();
            assertNotReplicated(() -> new RedisFileCatalog(state).put(entry()));
            assertNotReplicated(() -> new RedisFileCatalog(state).putIfAbsent(entry()));
            assertNotReplicated(() -> new RedisClockSync(state).persist(NodeId.of("n-1"),
                    VectorClock.parse("n-1:1")));
            assertNotReplicated(() -> new RedisLocks(state).tryLock(FileId.random(), Locks.Operation.DELETE, "d-1"));
        }
    }

    @Test
    void with_a_replica_a_durable_write_returns_once_the_replica_holds_it() throws Exception {
        // No delay before the first sync, so that the replica is up at once.
        try (RedisProcess master = RedisProcess.start(dir.resolve("master"), "--repl-diskless-sync-delay", "0");
                RedisProcess replica = RedisProcess.start(dir.resolve("replica"), "--replicaof", "127.0.0.1",
                        Integer.toString(master.port()));
                RedisClient client = RedisClient.create(master.host(), master.port());
                RedisClient onReplica = RedisClient.create(replica.host(), replica.port())) {
            RedisTransferTakeOverTest.awaitTrue(() -> onReplica.info("replication").contains("master_link_status:up"),
                    Duration.ofSeconds(20));
            RedisState state = new RedisState(client, RedisState.Settings.standalone("instance-a").withReplicas(1, Duration.ofSeconds(5)));
            CatalogEntry entry = entry();

            new RedisFileCatalog(state).put(entry);

            assertThat(new RedisFileCatalog(new RedisState(onReplica, RedisState.Settings.standalone("reader"))).find(entry.fileId()))
                    .contains(entry);
        }
    }

    private static CatalogEntry entry() {
        FileId fileId = FileId.random();
        Instant at = Instant.parse("2025-01-02T15:30:45.123456Z");
        return new CatalogEntry(StorageElementId.of("se-edit"), Mode.EDIT, new FileAttributes(fileId, "a.txt",
                "a_bob_20250102T153045_" + fileId + ".txt", 12, "text/plain", at, at, "b-1", "bob", Optional.empty(),
                Optional.empty(), Optional.empty(), "2025/01/02/15/",
                Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"), Map.of()));
    }

    private static void assertNotReplicated(ThrowingCallable write) {
        assertThatThrownBy(write).isInstanceOfSatisfying(IngestException.class, e -> {
            assertThat(e.kind()).isEqualTo(IngestException.Kind.UNAVAILABLE);
            assertThat(e.code()).isEqualTo("state_not_replicated");
        });
    }
}
