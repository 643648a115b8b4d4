package io.artstore.ingester.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.testing.TrickleInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadAheadInputStreamTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4_096, 100_000})
    void the_reader_gets_the_same_bytes_in_the_same_order(int readSize) throws Exception {
        byte[] data = new byte[1_000_003];
        new Random(3).nextBytes(data);
        ReadAheadInputStream ahead = new ReadAheadInputStream(new TrickleInputStream(data, 3_333), threads, 65_536, 3);

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        for (int n; (n = ahead.read(buffer, 0, readSize)) >= 0; ) {
            got.write(buffer, 0, n);
        }

        assertThat(got.toByteArray()).isEqualTo(data);
        assertThat(ahead.read()).isEqualTo(-1);
    }

    /** Lending hands out the blocks the read-ahead thread filled, mixed freely with reads, in the same order. */
    @Test
    void lent_blocks_and_reads_together_give_the_same_bytes_in_the_same_order() throws Exception {
        byte[] data = new byte[1_000_003];
        new Random(5).nextBytes(data);
        Set<byte[]> filled = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        InputStream source = new java.io.FilterInputStream(new TrickleInputStream(data, 3_333)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                filled.add(b);
                return super.read(b, off, len);
            }
        };
        ReadAheadInputStream ahead = new ReadAheadInputStream(source, threads, 65_536, 3);

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        List<byte[]> lent = new ArrayList<>();
        byte[] buffer = new byte[10_000];
        for (int i = 0; ; i++) {
            int n;
            if (i % 3 == 0) {
                n = ahead.read(buffer, 0, buffer.length);
                if (n > 0) {
                    got.write(buffer, 0, n);
                }
            } else {
                n = ahead.lendTo((bytes, offset, length) -> {
                    lent.add(bytes);
                    got.write(bytes, offset, length);
                });
            }
            if (n < 0) {
                break;
            }
        }

        assertThat(got.toByteArray()).isEqualTo(data);
        assertThat(lent).isNotEmpty().allSatisfy(array -> assertThat(filled).contains(array));
        assertThat(ahead.lendTo((bytes, offset, length) -> got.write(bytes, offset, length))).isEqualTo(-1);
    }

    @Test
    void a_lending_reader_gets_the_sources_failure_after_the_blocks_before_it() throws Exception {
        IngestException tooLarge = IngestException.invalid("file_too_large", "too large");
        InputStream failing = failingAfter(25, tooLarge);
        ReadAheadInputStream ahead = new ReadAheadInputStream(failing, threads, 10, 2);

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        assertThatThrownBy(() -> {
            while (ahead.lendTo((bytes, offset, length) -> got.write(bytes, offset, length)) >= 0) {
                // lent until the failure
            }
        }).isSameAs(tooLarge);
        // the two whole blocks, as a reader gets them; the failure cut the third block short
        assertThat(got.size()).isEqualTo(20);
        assertThatThrownBy(() -> ahead.lendTo((bytes, offset, length) -> got.write(bytes, offset, length))).isSameAs(tooLarge);
    }

    @Test
    void the_sources_failure_comes_after_the_bytes_before_it_and_stays() throws Exception {
        IngestException tooLarge = IngestException.invalid("file_too_large", "too large");
        InputStream failing = failingAfter(25, tooLarge);
        ReadAheadInputStream ahead = new ReadAheadInputStream(failing, threads, 10, 2);

        byte[] buffer = new byte[100];
        int total = 0;
        for (int i = 0; i < 2; i++) {
            total += ahead.read(buffer, 0, 100);
        }

        assertThat(total).isEqualTo(20);
        assertThatThrownBy(() -> ahead.read(buffer, 0, 100)).isSameAs(tooLarge);
        assertThatThrownBy(() -> ahead.read(buffer, 0, 100)).isSameAs(tooLarge);
    }

    /** The source (a request's body) must never be read once the reader closed: close waits for a read under way. */
    @Test
    void close_waits_for_the_read_under_way_and_the_source_is_not_read_after_it() throws Exception {
        CountDownLatch inSecondRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        AtomicInteger readsAfterClose = new AtomicInteger();
        InputStream source = new InputStream() {
            private int reads;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (closed.get()) {
                    readsAfterClose.incrementAndGet();
                }
                if (++reads == 2) {
                    inSecondRead.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                int n = Math.min(len, 10);
                java.util.Arrays.fill(b, off, off + n, (byte) 1);
                return n;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        ReadAheadInputStream ahead = new ReadAheadInputStream(source, threads, 10, 2);
        assertThat(ahead.read(new byte[10], 0, 10)).isEqualTo(10);
        assertThat(inSecondRead.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                ahead.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, threads);

        // A close that did not wait would be done well within this; one that waits is still waiting.
        assertThatThrownBy(() -> closing.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(closed).isFalse();
        release.countDown();
        closing.get(10, TimeUnit.SECONDS);
        assertThat(closed).isTrue();
        assertThat(readsAfterClose).hasValue(0);
    }

    @Test
    void an_empty_source_ends_at_once() throws Exception {
        ReadAheadInputStream ahead = new ReadAheadInputStream(new ByteArrayInputStream(new byte[0]), threads, 10, 2);

        assertThat(ahead.read(new byte[5], 0, 5)).isEqualTo(-1);
        ahead.close();
    }

    /** A source that hands out 5 bytes a read (whatever their values), then throws {@code failure} past {@code bytes}. */
    private static InputStream failingAfter(int bytes, RuntimeException failure) {
        return new InputStream() {
            private int handedOut;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (handedOut >= bytes) {
                    throw failure;
                }
                int n = Math.min(len, 5);
                handedOut += n;
                return n;
            }
        };
    }
}
