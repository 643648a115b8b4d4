package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.BlockStore;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.ClockSync;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileClocks;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.port.out.TokenUses;
import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.redis.RedisConnections;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Every state store of one instance over the instance's one Redis client ({@link RedisConnections}, shared with
 * service discovery), and the instance's lease: what the composition root wires when the shared state lives in
 * Redis. {@link #start} takes the lease; {@link #close} ends it. The connections stay open: their owner closes them.
 */
public final class RedisStateStores implements AutoCloseable {

    private final RedisState state;
    private final InstanceLease lease;

    /**
     * @throws IllegalArgumentException when the connections' reads would time out before a {@code WAIT} for
     *     replicas ends (see {@link io.artstore.ingester.redis.RedisSettings#withBlockingCalls})
     */
    public RedisStateStores(RedisConnections connections, RedisState.Settings settings) {
        Objects.requireNonNull(connections, "connections");
        if (settings.replicas() > 0
                && connections.settings().readTimeout().compareTo(settings.replicaTimeout()) <= 0) {
            throw new IllegalArgumentException("the Redis read timeout (" + connections.settings().readTimeout()
                    + ") must outlast the wait for replicas (" + settings.replicaTimeout() + ")");
        }
        this.state = new RedisState(connections, settings);
        this.lease = new InstanceLease(state);
    }

    /** Takes the instance's lease and keeps renewing it. */
    public void start() {
        lease.start();
    }

    public SagaLog sagaLog() {
        return new RedisSagaLog(state);
    }

    public TransactionLog transactionLog() {
        return new RedisTransactionLog(state);
    }

    public Locks locks() {
        return new RedisLocks(state);
    }

    public CapacityReservations reservations() {
        return new RedisCapacityReservations(state);
    }

    public FileCatalog catalog() {
        return new RedisFileCatalog(state);
    }

    public FileClocks fileClocks(Predicate<FileId> exists) {
        return new RedisFileClocks(state, exists);
    }

    public ClockSync clockSync() {
        return new RedisClockSync(state);
    }

    public TokenUses tokenUses() {
        return new RedisTokenUses(state);
    }

    public UploadSessions uploadSessions() {
        return new RedisUploadSessions(state);
    }

    public BlockStore blocks(Clock clock) {
        return new RedisBlockStore(state, clock);
    }

    /** Ends the lease, so that other instances take this one's unfinished transfers over at once. */
    @Override
    public void close() {
        lease.close();
    }
}
