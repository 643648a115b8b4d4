package io.artstore.ingester.core.pipeline;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pools of daemon threads named {@code <name>-<n>}, for work handed off a request's thread: daemon, so that none
 * keeps the process alive once the server has stopped; named, so that a thread dump says what each one does.
 */
public final class DaemonThreads {

    private static final long IDLE_SECONDS = 30;

    private DaemonThreads() {}

    /** A thread for every task at once, reused while tasks come, ended after a minute idle (a cached pool). */
    public static ExecutorService cached(String name) {
        return Executors.newCachedThreadPool(named(name));
    }

    /** At most {@code threads} at once, the tasks beyond them queued in order; idle threads end after 30 s. */
    public static ExecutorService bounded(String name, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Waits for a task handed to such a thread, however often the waiting thread is interrupted (the task may hold a
     * file that must not close before it ends; the interrupt is kept for later), and hands on its failure.
     *
     * @param failure what failed, for a failure that is not an {@link IOException} already
     */
    public static <T> T outcome(Future<T> task, String failure) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(failure + ": " + e.getCause(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ThreadFactory named(String name) {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
