package io.artstore.ingester.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.Signing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SigningInputStreamTest {

    /** Keeps what it is fed, to compare with what was read. */
    private static final class RecordingSigning implements Signing {
        final ByteArrayOutputStream fed = new ByteArrayOutputStream();

        @Override
        public void update(byte[] b, int off, int len) {
            fed.write(b, off, len);
        }

        @Override
        public DetachedSignature sign() {
            throw new UnsupportedOperationException("not needed here");
        }
    }

    /** Hands out at most a few bytes per read, as network streams do. */
    private static final class TricklingInputStream extends FilterInputStream {
        TricklingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, Math.min(len, 7));
        }
    }

    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8191, 8192, 100_003})
    void feeds_every_byte_read_in_order(int size) throws IOException {
        byte[] original = content(size);
        RecordingSigning signing = new RecordingSigning();

        byte[] read;
        try (InputStream in = new SigningInputStream(new TricklingInputStream(new ByteArrayInputStream(original)), signing)) {
            read = in.readAllBytes();
        }

        assertThat(read).isEqualTo(original);
        assertThat(signing.fed.toByteArray()).isEqualTo(original);
    }

    @Test
    void feeds_single_byte_reads_and_mixed_reads() throws IOException {
        byte[] original = content(300);
        RecordingSigning signing = new RecordingSigning();
        InputStream in = new SigningInputStream(new ByteArrayInputStream(original), signing);

        int first = in.read();
        byte[] middle = new byte[100];
        int n = in.read(middle, 10, 50);
        byte[] rest = in.readAllBytes();

        assertThat(first).isEqualTo(original[0] & 0xff);
        assertThat(n).isEqualTo(50);
        assertThat(in.read()).isEqualTo(-1);
        assertThat(signing.fed.toByteArray()).isEqualTo(original);
        assertThat(rest).hasSize(300 - 1 - 50);
    }

    @Test
    void transfer_to_feeds_everything() throws IOException {
        byte[] original = content(50_000);
        RecordingSigning signing = new RecordingSigning();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        new SigningInputStream(new ByteArrayInputStream(original), signing).transferTo(sink);

        assertThat(sink.toByteArray()).isEqualTo(original);
        assertThat(signing.fed.toByteArray()).isEqualTo(original);
    }

    @Test
    void refuses_to_skip_or_reset_because_the_signature_would_not_match_the_content() {
        InputStream in = new SigningInputStream(new ByteArrayInputStream(content(10)), new RecordingSigning());

        assertThat(in.markSupported()).isFalse();
        assertThatThrownBy(() -> in.skip(3)).isInstanceOf(IOException.class).hasMessageContaining("signature");
        assertThatThrownBy(in::reset).isInstanceOf(IOException.class);
    }

    @Test
    void passes_on_a_failure_of_the_source_without_feeding_anything() {
        RecordingSigning signing = new RecordingSigning();
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };

        assertThatThrownBy(() -> new SigningInputStream(failing, signing).readAllBytes())
                .isInstanceOf(IOException.class)
                .hasMessage("connection reset");
        assertThat(signing.fed.size()).isZero();
    }
}
