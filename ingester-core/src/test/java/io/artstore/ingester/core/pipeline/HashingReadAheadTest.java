package io.artstore.ingester.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.testing.TrickleInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HashingReadAheadTest {

    /** The source is read and hashed on another thread; the digest is that of exactly what the reader received. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 65_536, 1 << 20})
    void hashes_ahead_on_another_thread_exactly_what_its_reader_receives(int readSize) throws Exception {
        byte[] data = ContentPipelineTest.randomBytes(3_000_001);
        Set<Thread> sourceThreads = ConcurrentHashMap.newKeySet();
        InputStream source = new FilterInputStream(new TrickleInputStream(data, 70_000)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                sourceThreads.add(Thread.currentThread());
                return super.read(b, off, len);
            }
        };
        AtomicLong progress = new AtomicLong();
        ByteArrayOutputStream received = new ByteArrayOutputStream();

        try (HashingReadAhead stream = new HashingReadAhead(source, progress::set)) {
            byte[] buffer = new byte[readSize];
            int n = stream.read(buffer, 0, readSize);
            received.write(buffer, 0, n);
            assertThatThrownBy(stream::digest).isInstanceOf(IllegalStateException.class);
            assertThat(stream.ended()).isFalse();
            while ((n = stream.read(buffer, 0, readSize)) >= 0) {
                received.write(buffer, 0, n);
            }

            assertThat(stream.ended()).isTrue();
            assertThat(received.toByteArray()).isEqualTo(data);
            assertThat(stream.count()).isEqualTo(data.length);
            assertThat(stream.digest()).isEqualTo(ContentPipelineTest.sha256(data));
        }
        assertThat(progress).hasValue(data.length);
        assertThat(sourceThreads).isNotEmpty().doesNotContain(Thread.currentThread());
    }

    @Test
    void a_failing_source_fails_the_reader_with_its_error() {
        InputStream broken = new InputStream() {
            private int left = 600_000;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw new IOException("the source's disk failed");
                }
                return 1;
            }
        };
        HashingReadAhead stream = new HashingReadAhead(broken, n -> { });

        assertThatThrownBy(() -> stream.transferTo(OutputStream.NULL)).isInstanceOf(IOException.class)
                .hasMessage("the source's disk failed");
        assertThatThrownBy(stream::digest).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closing_half_way_closes_the_source_once_it_is_no_longer_read() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicLong readsAfterClose = new AtomicLong();
        InputStream source = new FilterInputStream(new TrickleInputStream(new byte[50_000_000], 70_000)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (closed.get()) {
                    readsAfterClose.incrementAndGet();
                }
                return super.read(b, off, len);
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        HashingReadAhead stream = new HashingReadAhead(source, n -> { });
        assertThat(stream.read(new byte[1000])).isPositive();

        stream.close();

        assertThat(closed).isTrue();
        assertThat(readsAfterClose).hasValue(0);
        assertThatThrownBy(stream::digest).isInstanceOf(IllegalStateException.class);
    }

    private enum OutputStream {
        ;
        static final java.io.OutputStream NULL = java.io.OutputStream.nullOutputStream();
    }
}
