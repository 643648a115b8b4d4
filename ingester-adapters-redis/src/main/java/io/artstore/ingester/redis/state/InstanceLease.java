package io.artstore.ingester.redis.state;

import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.params.SetParams;

/**
 * This instance's lease, {@code artstore:ingester:{tx}:lease:<instance>}: a key that lives
 * {@link RedisState.Settings#instanceLease} and is renewed every third of it by one daemon thread. While it lives,
 * the transactions this instance owns are its own; once it has expired (the instance died or lost Redis for a
 * whole lease), another instance's recovery sweep takes them over ({@link RedisTransactionLog#unfinished}).
 * {@link #close} ends the lease at once, so that a stopped instance's unfinished work moves on without waiting.
 */
public final class InstanceLease implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(InstanceLease.class.getName());

    private final RedisState state;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "instance-lease");
        thread.setDaemon(true);
        return thread;
    });

    public InstanceLease(RedisState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    /** Takes the lease now and renews it from then on. */
    public void start() {
        renew();
        long every = Math.max(1, state.settings().instanceLease().toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renewSafely, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Sets the lease key for one more lease period. Not waited on by replicas: a lease lost at a failover is set again
     * within a third of the lease, and meanwhile costs at most a transfer taken over early, whose owner then stops
     * driving it (its records are refused); waiting would keep an instance from starting while no replica is up.
     */
    public void renew() {
        state.call(() -> state.redis().set(key(), state.instanceId(),
                SetParams.setParams().px(state.settings().instanceLease().toMillis())));
    }

    /** Whether the instance's lease is held now. */
    public boolean held() {
        return state.call(() -> state.redis().exists(key()));
    }

    private void renewSafely() {
        try {
            renew();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not renew the lease of instance {0}; it is renewed again shortly: {1}",
                    state.instanceId(), e.getMessage());
        }
    }

    private String key() {
        return state.leaseKey(state.instanceId());
    }

    /** Stops renewing and ends the lease. */
    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            renewer.awaitTermination(5, TimeUnit.SECONDS);
            state.call(() -> state.redis().del(key()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not end the lease of instance {0}; it expires by itself: {1}",
                    state.instanceId(), e.getMessage());
        }
    }
}
