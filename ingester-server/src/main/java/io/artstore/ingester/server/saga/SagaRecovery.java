package io.artstore.ingester.server.saga;

import io.artstore.ingester.core.saga.SagaOrchestrator;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sweeps the saga log at start-up and then every interval, driving to an end the sagas a dead process or
 * instance left unfinished. One daemon thread; a sweep that fails is logged and the next one tries again.
 */
public final class SagaRecovery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SagaRecovery.class);

    private final SagaOrchestrator orchestrator;
    private final Duration interval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "saga-recovery");
        thread.setDaemon(true);
        return thread;
    });

    public SagaRecovery(SagaOrchestrator orchestrator, Duration interval) {
        this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
        this.interval = Objects.requireNonNull(interval, "interval");
    }

    /** The first sweep runs at once, on the recovery thread. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::sweep, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            int recovered = orchestrator.recover().size();
            if (recovered > 0) {
                LOG.atInfo().setMessage("saga recovery").addKeyValue("recovered", recovered).log();
            }
        } catch (RuntimeException e) {
            LOG.warn("the saga recovery sweep failed; the next one tries again: {}", e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("the saga recovery sweep did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
