package io.artstore.ingester.redis.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.redis.RedisConnections;
import io.artstore.ingester.redis.RedisSettings;
import io.artstore.ingester.redis.fixture.RedisProcess;
import io.artstore.ingester.redis.fixture.SentinelProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Redis master, replica and a sentinel as real processes; the state stores reach them through the sentinel. The
 * master dies: what was acknowledged survives on the promoted replica, a write that no replica can confirm is
 * refused rather than acknowledged, and once the old master is back as a replica writes are acknowledged again.
 */
class RedisStateSentinelIT {

    private static final String MASTER = "mymaster";

    @TempDir
    Path dir;

    @Test
    void acknowledged_state_survives_the_masters_death_and_no_unreplicated_write_is_acknowledged() throws Exception {
        RedisProcess master = RedisProcess.start(dir.resolve("master"), "--repl-diskless-sync-delay", "0");
        int masterPort = master.port();
        RedisProcess returned = null;
        try (RedisProcess replica = RedisProcess.start(dir.resolve("replica"), "--replicaof", "127.0.0.1",
                Integer.toString(masterPort), "--repl-diskless-sync-delay", "0");
                SentinelProcess sentinel = SentinelProcess.start(dir.resolve("sentinel"), MASTER, masterPort);
                Jedis askSentinel = new Jedis("127.0.0.1", sentinel.port())) {
            awaitTrue("the sentinel sees the replica", () -> !askSentinel.sentinelReplicas(MASTER).isEmpty()
                    && "ok".equals(askSentinel.sentinelReplicas(MASTER).get(0).get("master-link-status")),
                    Duration.ofSeconds(30));
            RedisSettings settings = new RedisSettings(new RedisSettings.Sentinel(MASTER,
                    List.of(RedisSettings.Address.parse(sentinel.address(), 26379)), Optional.empty()), Optional.empty(), 0,
                    false, RedisSettings.DEFAULT_TIMEOUT, RedisSettings.DEFAULT_MASTER_RECHECK)
                    .withBlockingCalls(Duration.ofSeconds(2));
            try (RedisConnections connections = RedisConnections.open(settings);
                    RedisStateStores stores = new RedisStateStores(connections,
                            RedisState.Settings.standalone("instance-a").withReplicas(1, Duration.ofSeconds(2)))) {
                FileCatalog catalog = stores.catalog();
                CatalogEntry before = entry();
                catalog.put(before);

                master.kill();
                awaitTrue("the sentinel promotes the replica", () -> askSentinel.sentinelGetMasterAddrByName(MASTER)
                        .get(1).equals(Integer.toString(replica.port())), Duration.ofSeconds(30));

                // The new master has no replica: a write is refused, not acknowledged, until one is back.
                CatalogEntry during = entry();
                awaitTrue("the client follows the new master", () -> refusedAsUnreplicated(catalog, during), Duration.ofSeconds(30));
                assertThat(catalog.find(before.fileId())).contains(before);

                returned = RedisProcess.start(dir.resolve("master"), masterPort, "--repl-diskless-sync-delay", "0");
                CatalogEntry after = entry();
                awaitTrue("the old master serves as a replica", () -> accepted(catalog, after), Duration.ofSeconds(60));
                assertThat(catalog.find(after.fileId())).contains(after);
                assertThat(catalog.find(before.fileId())).contains(before);
            }
        } finally {
            master.close();
            if (returned != null) {
                returned.close();
            }
        }
    }

    private static boolean refusedAsUnreplicated(FileCatalog catalog, CatalogEntry entry) {
        try {
            catalog.put(entry);
            throw new AssertionError("a write no replica confirmed was acknowledged");
        } catch (IngestException e) {
            return e.code().equals("state_not_replicated");
        }
    }

    private static boolean accepted(FileCatalog catalog, CatalogEntry entry) {
        try {
            catalog.put(entry);
            return true;
        } catch (IngestException e) {
            return false;
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!safely(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static boolean safely(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException notYet) {
            return false;
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
}
