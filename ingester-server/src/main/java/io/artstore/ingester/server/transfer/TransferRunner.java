package io.artstore.ingester.server.transfer;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.TransferStatus;
import io.artstore.ingester.server.config.TransferSettings;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs transfers for the HTTP API: {@link #submit} checks, locks and logs the start on the caller's thread and hands
 * the rest to a pool of {@code transfer.parallelism} threads, so that a request returns at once. The recovery sweep
 * runs once before the server takes requests ({@link #recoverAtStartup}) and then every
 * {@code transfer.recovery_interval} on one scheduled thread. Outcomes are counted and logged; a heuristic one,
 * which an operator must resolve, at ERROR.
 *
 * <p>Threads: {@code transfer-N} drive transfers, {@code transfer-recovery} sweeps; the coordinator keeps one
 * thread per transaction at a time.
 */
public final class TransferRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransferRunner.class);
    private static final Logger OPERATIONS = LoggerFactory.getLogger("io.artstore.ingester.operations");
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final TransferCoordinator coordinator;
    private final TransactionLog log;
    private final Locks locks;
    private final TransferSettings settings;
    private final ExecutorService workers;
    private final Duration shutdownGrace;
    private final ScheduledExecutorService sweeper;
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong heuristic = new AtomicLong();
    private volatile Consumer<TransferStatus> ended = status -> { };

    public TransferRunner(TransferCoordinator coordinator, TransactionLog log, Locks locks, TransferSettings settings) {
        this(coordinator, log, locks, settings, Executors.newFixedThreadPool(settings.parallelism(), threads("transfer-")),
                SHUTDOWN_GRACE);
    }

    /**
     * With the given pool for the transfers' phases, shut down on {@link #close} after giving its transfers
     * {@code shutdownGrace} to finish.
     */
    TransferRunner(TransferCoordinator coordinator, TransactionLog log, Locks locks, TransferSettings settings,
            ExecutorService workers, Duration shutdownGrace) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
        this.log = Objects.requireNonNull(log, "log");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.shutdownGrace = Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        this.sweeper = Executors.newSingleThreadScheduledExecutor(threads("transfer-recovery"));
    }

    /** Told of every transfer that ended (committed, aborted or heuristic), e.g. to audit it; set before starting. */
    public TransferRunner onEnded(Consumer<TransferStatus> listener) {
        this.ended = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Drives every transfer a previous run left unfinished to its end. Call before serving. Locks of deletes are
     * left alone: each belongs to a delete saga, whose recovery finishes the delete and releases it.
     */
    public void recoverAtStartup() {
        int unfinished = log.unfinished().size();
        if (unfinished > 0) {
            LOG.info("recovering {} unfinished transfer(s)", unfinished);
        }
        sweep();
    }

    /** Starts the periodic recovery sweep. */
    public void startSweeping() {
        long millis = settings.recoveryInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a transfer and queues the rest of it.
     *
     * @return its status right after the start
     * @throws io.artstore.ingester.core.domain.IngestException as {@link TransferCoordinator#start} does; 503
     *     {@code transfer_rejected} when the pool refuses the transfer (the server is stopping): it is aborted
     *     and the file released
     */
    public TransferStatus submit(FileId fileId, Optional<StorageElementId> target, VectorClock requestClock) {
        TransactionId id = coordinator.start(fileId, target, requestClock);
        TransferStatus started = coordinator.status(id);
        try {
            workers.execute(new Queued(id, fileId));
        } catch (RejectedExecutionException rejected) {
            // Logged as started but no thread will run it: end it here, or it would hold the file's lock for ever.
            abandon(id, fileId, "the transfer pool refused the transfer (the server is stopping)");
            throw new IngestException(IngestException.Kind.UNAVAILABLE, "transfer_rejected", "the server cannot run"
                    + " transfer " + id + " of file " + fileId + " now (it is stopping); the transfer was aborted and"
                    + " the file left where it was; retry later", rejected);
        }
        return started;
    }

    /** A transfer waiting for a thread; one that never gets it is aborted (see {@link #close}). */
    private final class Queued implements Runnable {
        private final TransactionId id;
        private final FileId fileId;
        /** The trace of the request that asked for the transfer: the transfer's spans belong to it. */
        private final Context trace = Context.current();

        Queued(TransactionId id, FileId fileId) {
            this.id = id;
            this.fileId = fileId;
        }

        @Override
        public void run() {
            Scope traced = trace.makeCurrent();
            try {
                counted(coordinator.run(id));
            } catch (RuntimeException e) {
                LOG.error("transfer {} of file {} failed unexpectedly; the recovery sweep retries it", id, fileId, e);
            } finally {
                traced.close();
            }
        }
    }

    private void abandon(TransactionId id, FileId fileId, String reason) {
        try {
            counted(coordinator.abandon(id, reason));
        } catch (RuntimeException e) {
            LOG.error("transfer {} of file {} could not be aborted now; the recovery sweep aborts it", id, fileId, e);
        }
    }

    /** @throws io.artstore.ingester.core.domain.IngestException 404 {@code transfer_not_found} */
    public TransferStatus status(TransactionId id) {
        return coordinator.status(id);
    }

    public TransferCounts counts() {
        return new TransferCounts(log.unfinished().size(), committed.get(), aborted.get(), heuristic.get());
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.error("the transfer recovery sweep failed; it runs again in {}", settings.recoveryInterval(), e);
        }
    }

    private void sweep() {
        List<TransferStatus> recovered = coordinator.recover();
        recovered.forEach(this::counted);
    }

    private void counted(TransferStatus status) {
        if (!status.state().finished()) {
            LOG.warn("transfer {} of file {} stopped while {}: {}; the recovery sweep retries it", status.transactionId(),
                    status.fileId(), status.state().wireName(), status.error().orElse("no reason given"));
            return;
        }
        if (status.state() == TransferState.COMMITTED) {
            committed.incrementAndGet();
        } else if (status.state() == TransferState.ABORTED) {
            aborted.incrementAndGet();
        } else {
            heuristic.incrementAndGet();
            LOG.atError().setMessage("transfer {} of file {} ended HEURISTIC and needs an operator: {}")
                    .addArgument(status.transactionId()).addArgument(status.fileId())
                    .addArgument(status.error().orElse("no reason given"))
                    .addKeyValue("transaction_id", status.transactionId().toString())
                    .addKeyValue("file_id", status.fileId().toString())
                    .log();
        }
        try {
            ended.accept(status);
        } catch (RuntimeException e) {
            LOG.error("the listener of ended transfers failed for transfer {}: {}", status.transactionId(), e.getMessage(), e);
        }
        OPERATIONS.atInfo().setMessage("transfer")
                .addKeyValue("operation", "transfer")
                .addKeyValue("transaction_id", status.transactionId().toString())
                .addKeyValue("file_id", status.fileId().toString())
                .addKeyValue("storage_element", status.target().value())
                .addKeyValue("duration_ms", Duration.between(status.startedAt(), status.updatedAt()).toMillis())
                .addKeyValue("outcome", status.state().wireName())
                .log();
    }

    /**
     * Stops sweeping, lets running and queued transfers finish for a while, then interrupts the running ones
     * (recovery finishes them later) and aborts those still waiting for a thread.
     */
    @Override
    public void close() {
        sweeper.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                abandonQueued(workers.shutdownNow());
            }
            sweeper.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            abandonQueued(workers.shutdownNow());
            Thread.currentThread().interrupt();
        }
    }

    private void abandonQueued(List<Runnable> neverRun) {
        for (Runnable task : neverRun) {
            if (task instanceof Queued queued) {
                abandon(queued.id, queued.fileId, "the server stopped before the transfer got a thread");
            }
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
            thread.setDaemon(true);
            return thread;
        };
    }
}
