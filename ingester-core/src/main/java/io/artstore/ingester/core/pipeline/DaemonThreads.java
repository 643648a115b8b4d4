package io.artstore.ingester.core.pipeline;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    private static ThreadFactory named(String name) {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
