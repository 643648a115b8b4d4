package io.artstore.ingester.redis.state;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs instances against each other: all start at once, as closely as threads allow. */
final class Racers {

    private Racers() {
    }

    /** What all racers returned, once every one has finished (at most 30 s). */
    @SafeVarargs
    static <T> List<T> race(Callable<List<T>>... racers) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(racers.length);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<T>>> running = new ArrayList<>();
            for (Callable<List<T>> racer : racers) {
                running.add(threads.submit(() -> {
                    start.await();
                    return racer.call();
                }));
            }
            start.countDown();
            List<T> all = new ArrayList<>();
            for (Future<List<T>> result : running) {
                all.addAll(result.get(30, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            threads.shutdownNow();
        }
    }
}
