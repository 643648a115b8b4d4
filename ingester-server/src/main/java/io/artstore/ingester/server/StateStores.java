package io.artstore.ingester.server;

import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.ClockSync;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileClocks;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.redis.state.RedisStateStores;
import io.artstore.ingester.server.config.IngesterConfig;
import io.artstore.ingester.server.config.RedisClients;
import io.artstore.ingester.server.config.StateSettings;
import io.artstore.ingester.storage.embedded.FileClockSync;
import io.artstore.ingester.storage.embedded.FileSagaLog;
import io.artstore.ingester.storage.embedded.FileSystemFileCatalog;
import io.artstore.ingester.storage.embedded.FileSystemFileClocks;
import io.artstore.ingester.storage.embedded.FileSystemLocks;
import io.artstore.ingester.storage.embedded.FileTransactionLog;
import io.artstore.ingester.storage.embedded.InMemoryCapacityReservations;
import io.artstore.ingester.storage.embedded.LogOptions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state stores the configuration chose ({@code state}): files in the data folder, or Redis shared by a cluster.
 * {@link #close} closes whatever was opened; for Redis it also ends this instance's lease.
 */
record StateStores(FileCatalog catalog, CapacityReservations reservations, Locks locks, TransactionLog transactionLog,
        SagaLog sagaLog, ClockSync clockSync, FileClocks fileClocks, List<AutoCloseable> closeables) implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateStores.class);

    static StateStores open(IngesterConfig config, String instanceId, LogOptions logOptions) {
        return config.state().store() == StateSettings.Store.REDIS ? redis(config, instanceId) : embedded(config, instanceId, logOptions);
    }

    private static StateStores embedded(IngesterConfig config, String instanceId, LogOptions logOptions) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            FileCatalog catalog = FileSystemFileCatalog.open(config.storage().catalogDir());
            Locks locks = FileSystemLocks.open(config.storage().locksDir());
            FileTransactionLog transactionLog = FileTransactionLog.open(config.storage().transactionsDir(), logOptions);
            opened.add(transactionLog);
            FileSagaLog sagaLog = FileSagaLog.open(config.storage().sagasDir(), instanceId, logOptions);
            opened.add(sagaLog);
            // A deleted file's clock goes with its catalogue entry, so the store does not grow with every file ever deleted.
            FileClocks fileClocks = FileSystemFileClocks.open(config.storage().clockDir().resolve("files"),
                    fileId -> catalog.find(fileId).isPresent());
            return new StateStores(catalog, new InMemoryCapacityReservations(), locks, transactionLog, sagaLog,
                    FileClockSync.open(config.storage().clockDir()), fileClocks, List.copyOf(opened));
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static StateStores redis(IngesterConfig config, String instanceId) {
        RedisStateStores redis = RedisClients.open(config.state(), instanceId);
        try {
            redis.start();
            FileCatalog catalog = redis.catalog();
            LOG.info("shared state in Redis as instance {}, writes acknowledged by {} replica(s)", instanceId,
                    config.state().waitReplicas());
            return new StateStores(catalog, redis.reservations(), redis.locks(), redis.transactionLog(), redis.sagaLog(),
                    redis.clockSync(), redis.fileClocks(fileId -> catalog.find(fileId).isPresent()), List.of(redis));
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
