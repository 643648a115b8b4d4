package io.artstore.ingester.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimedInputStreamTest {

    private static final long SINK_NANOS = Duration.ofMillis(50).toNanos();

    /** A stream that lends its one array at once: the only time spent upstream is the call itself. */
    private static final class Lending extends InputStream implements BlockLending {
        private final byte[] bytes;
        private boolean lent;

        Lending(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int lendTo(Sink sink) throws java.io.IOException {
            if (lent) {
                return -1;
            }
            lent = true;
            sink.accept(bytes, 0, bytes.length);
            return bytes.length;
        }
    }

    /** Busy for SINK_NANOS: stands for a codec compressing what it was lent. */
    private static void work() {
        long until = System.nanoTime() + SINK_NANOS;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Test
    void the_time_of_a_lent_block_leaves_out_what_the_sink_did_with_it() throws Exception {
        byte[] data = {1, 2, 3, 4, 5};
        TimedInputStream timed = new TimedInputStream(new Lending(data));
        ByteArrayOutputStream got = new ByteArrayOutputStream();

        int n = timed.lendTo((bytes, offset, length) -> {
            got.write(bytes, offset, length);
            work();
        });

        assertThat(n).isEqualTo(5);
        assertThat(got.toByteArray()).isEqualTo(data);
        assertThat(timed.bytes()).isEqualTo(5);
        assertThat(timed.nanos()).isLessThan(SINK_NANOS);
        assertThat(timed.lendTo((bytes, offset, length) -> got.write(bytes, offset, length))).isEqualTo(-1);
    }

    @Test
    void a_stream_that_does_not_lend_is_read_into_a_buffer_of_the_timer_and_lent_from_there() throws Exception {
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        TimedInputStream timed = new TimedInputStream(new ByteArrayInputStream(data));
        ByteArrayOutputStream got = new ByteArrayOutputStream();

        while (timed.lendTo((bytes, offset, length) -> got.write(bytes, offset, length)) >= 0) {
            // lent until the end
        }

        assertThat(got.toByteArray()).isEqualTo(data);
        assertThat(timed.bytes()).isEqualTo(data.length);
    }
}
