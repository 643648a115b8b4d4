package io.artstore.ingester.server;

import io.artstore.ingester.core.clock.ReservingClockSync;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.BlockStore;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.ClockSync;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileClocks;
import io.artstore.ingester.core.port.out.IdempotencyStore;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.port.out.TokenUses;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.redis.RedisConnections;
import io.artstore.ingester.redis.state.RedisState;
import io.artstore.ingester.redis.state.RedisStateStores;
import io.artstore.ingester.server.config.IngesterConfig;
import io.artstore.ingester.server.config.StateSettings;
import io.artstore.ingester.storage.embedded.EventLogFileClocks;
import io.artstore.ingester.storage.embedded.FileClockSync;
import io.artstore.ingester.storage.embedded.FileIdempotencyStore;
import io.artstore.ingester.storage.embedded.FileSagaLog;
import io.artstore.ingester.storage.embedded.FileSystemFileCatalog;
import io.artstore.ingester.storage.embedded.FileSystemFileClocks;
import io.artstore.ingester.storage.embedded.FileSystemLocks;
import io.artstore.ingester.storage.embedded.FileTransactionLog;
import io.artstore.ingester.storage.embedded.FileUploadSessions;
import io.artstore.ingester.storage.embedded.InMemoryBlockStore;
import io.artstore.ingester.storage.embedded.InMemoryCapacityReservations;
import io.artstore.ingester.storage.embedded.JsonLinesEventPublisher;
import io.artstore.ingester.storage.embedded.LogOptions;
import io.artstore.ingester.storage.fs.Fsync;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state stores the configuration chose ({@code state}): files in the data folder, or Redis shared by a cluster.
 * {@link #close} closes whatever was opened; for Redis it also ends this instance's lease.
 *
 * @param blocks the blocks of the abuse limits: in memory, or shared in Redis
 * @param idempotency the saga participant's records of the commands it was sent
 * @param tokenUses the temporary tokens' use counts when shared in Redis; empty for the embedded state, where
 *     they are kept on disk beside the ingester's signing key
 * @param uploadSessions the sessions of resumable uploads: in the data folder, or shared in Redis
 */
record StateStores(FileCatalog catalog, CapacityReservations reservations, Locks locks, TransactionLog transactionLog,
        SagaLog sagaLog, ClockSync clockSync, FileClocks fileClocks, BlockStore blocks, Optional<TokenUses> tokenUses,
        IdempotencyStore idempotency, UploadSessions uploadSessions, List<AutoCloseable> closeables) implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateStores.class);
    /** How long the saga participant remembers a command in the data folder (in Redis: the state's retention). */
    static final Duration IDEMPOTENCY_RETENTION = Duration.ofDays(7);

    /**
     * @param events the event log, which makes each file's last-change clock durable in the embedded state
     * @param logFsync forces the embedded saga log to disk (its group commits)
     * @param redis the instance's one Redis client, also used by service discovery; required with {@code state: redis}
     */
    static StateStores open(IngesterConfig config, String instanceId, LogOptions logOptions, JsonLinesEventPublisher events,
            Fsync logFsync, Optional<RedisConnections> redis, Clock clock) {
        if (config.state().store() == StateSettings.Store.REDIS) {
            return redis(config, instanceId, redis.orElseThrow(() -> new IllegalStateException(
                    "the shared state in Redis needs the Redis connections")), clock);
        }
        return embedded(config, instanceId, logOptions, events, logFsync, clock);
    }

    private static StateStores embedded(IngesterConfig config, String instanceId, LogOptions logOptions,
            JsonLinesEventPublisher events, Fsync logFsync, Clock clock) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            FileSystemFileCatalog catalog = FileSystemFileCatalog.open(config.storage().catalogDir());
            opened.add(catalog);
            Locks locks = FileSystemLocks.open(config.storage().locksDir());
            FileTransactionLog transactionLog = FileTransactionLog.open(config.storage().transactionsDir(), logOptions);
            opened.add(transactionLog);
            FileSagaLog sagaLog = FileSagaLog.open(config.storage().sagasDir(), instanceId, logOptions, logFsync);
            opened.add(sagaLog);
            // A deleted file's clock goes with its catalogue entry, so the store does not grow with every file ever deleted.
            // Each file's last change is made durable by its event; clocks an earlier version kept per file are read too.
            Predicate<FileId> fileExists = fileId -> catalog.find(fileId).isPresent();
            FileClocks fileClocks = EventLogFileClocks.open(events,
                    FileSystemFileClocks.open(config.storage().clockDir().resolve("files"), fileExists), fileExists);
            // The clock file is rewritten once per block of counters, not at every event (see ReservingClockSync).
            ClockSync clockSync = new ReservingClockSync(FileClockSync.open(config.storage().clockDir()),
                    ReservingClockSync.DEFAULT_BLOCK);
            return new StateStores(catalog, new InMemoryCapacityReservations(), locks, transactionLog, sagaLog,
                    clockSync, fileClocks, new InMemoryBlockStore(clock), Optional.empty(),
                    FileIdempotencyStore.open(config.storage().dataDir().resolve("participant"), IDEMPOTENCY_RETENTION, clock),
                    FileUploadSessions.open(config.storage().dataDir().resolve("uploads")), List.copyOf(opened));
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static StateStores redis(IngesterConfig config, String instanceId, RedisConnections connections, Clock clock) {
        StateSettings settings = config.state();
        RedisStateStores redis = new RedisStateStores(connections, RedisState.Settings.standalone(instanceId)
                .withReplicas(settings.waitReplicas(), settings.waitTimeout())
                .withRetention(settings.retention())
                .withInstanceLease(settings.instanceLease()));
        try {
            redis.start();
            FileCatalog catalog = redis.catalog();
            LOG.info("shared state in Redis ({}) as instance {}, writes acknowledged by {} replica(s)",
                    connections.describe(), instanceId, settings.waitReplicas());
            return new StateStores(catalog, redis.reservations(), redis.locks(), redis.transactionLog(), redis.sagaLog(),
                    redis.clockSync(), redis.fileClocks(fileId -> catalog.find(fileId).isPresent()), redis.blocks(clock),
                    Optional.of(redis.tokenUses()), redis.idempotency(), redis.uploadSessions(), List.of(redis));
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    @Override
    public void close() {
        closeAll(closeables);
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", closeable.getClass().getSimpleName(), e.getMessage(), e);
            }
        }
    }
}
