package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.storage.fs.Fsync;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An fsync that waits for the test to release it, so that writes pile up behind a force in progress; it counts the
 * forces begun and ended and how much of the file the last one covered.
 */
final class HeldFsync implements Fsync {

    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger entered = new AtomicInteger();
    final AtomicInteger forces = new AtomicInteger();
    final AtomicLong durableUpTo = new AtomicLong();
    private final Duration wait;

    HeldFsync(Duration wait) {
        this.wait = wait;
    }

    @Override
    public void force(FileChannel channel, Path file, boolean metadata) throws IOException {
        long size = channel.size();
        entered.incrementAndGet();
        try {
            if (!release.await(wait.toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException("the test never released the force");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        channel.force(metadata);
        durableUpTo.set(size);
        forces.incrementAndGet();
    }
}
