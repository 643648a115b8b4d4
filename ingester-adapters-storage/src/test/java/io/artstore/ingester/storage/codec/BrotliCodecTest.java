package io.artstore.ingester.storage.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aayushatharva.brotli4j.encoder.Encoder;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BrotliCodecTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    static Stream<Arguments> sizes() {
        return Stream.of(0, 1, 2, 100, 64 * KIB - 1, 64 * KIB, 64 * KIB + 1, 128 * KIB + 3, 3 * MIB + 7)
                .flatMap(size -> Stream.of(Arguments.of(size, "random"), Arguments.of(size, "text")));
    }

    @ParameterizedTest(name = "{0} bytes of {1} data")
    @MethodSource("sizes")
    void round_trips_at_fast_quality(int size, String kind) throws IOException {
        byte[] original = data(size, kind);
        BrotliCodec codec = new BrotliCodec(1);

        byte[] compressed = compress(codec, original);

        assertThat(decompress(codec, new ByteArrayInputStream(compressed))).isEqualTo(original);
    }

    @ParameterizedTest(name = "quality {0}")
    @ValueSource(ints = {0, 4, 6, 11})
    void round_trips_at_every_kind_of_quality(int quality) throws IOException {
        byte[] original = data(200 * KIB + 5, "text");
        BrotliCodec codec = new BrotliCodec(quality);

        byte[] compressed = compress(codec, original);

        assertThat(compressed.length).isLessThan(original.length / 2);
        assertThat(decompress(codec, new ByteArrayInputStream(compressed))).isEqualTo(original);
    }

    @Test
    void several_mebibytes_of_text_round_trip() throws IOException {
        byte[] original = data(6 * MIB + 1, "text");
        BrotliCodec codec = new BrotliCodec(1);

        assertThat(decompress(codec, new ByteArrayInputStream(compress(codec, original)))).isEqualTo(original);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 64 * KIB + 1, 300 * KIB})
    void decodes_when_the_source_gives_one_byte_at_a_time(int size) throws IOException {
        byte[] original = data(size, "text");
        BrotliCodec codec = new BrotliCodec(5);

        byte[] compressed = compress(codec, original);

        assertThat(decompress(codec, new TricklingStream(compressed))).isEqualTo(original);
    }

    @Test
    void decodes_byte_by_byte_reads() throws IOException {
        byte[] original = data(70 * KIB, "random");
        BrotliCodec codec = new BrotliCodec(1);
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();

        try (InputStream in = codec.decompressing(new ByteArrayInputStream(compress(codec, original)))) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                decoded.write(b);
            }
        }

        assertThat(decoded.toByteArray()).isEqualTo(original);
    }

    @Test
    void decodes_what_the_one_shot_encoder_wrote() throws IOException {
        byte[] original = data(MIB + 11, "text");

        byte[] compressed = Encoder.compress(original, new Encoder.Parameters().setQuality(5));

        assertThat(decompress(new BrotliCodec(1), new ByteArrayInputStream(compressed))).isEqualTo(original);
    }

    @Test
    void a_corrupt_stream_fails_with_an_io_exception() throws IOException {
        BrotliCodec codec = new BrotliCodec(1);
        byte[] compressed = compress(codec, data(256 * KIB, "text"));
        for (int i = compressed.length / 3; i < compressed.length / 3 + 64; i++) {
            compressed[i] ^= (byte) 0x5a;
        }

        assertThatThrownBy(() -> decompress(codec, new ByteArrayInputStream(compressed))).isInstanceOf(IOException.class);
    }

    @Test
    void a_truncated_stream_fails_with_an_io_exception() throws IOException {
        BrotliCodec codec = new BrotliCodec(1);
        byte[] compressed = compress(codec, data(256 * KIB, "random"));
        byte[] truncated = Arrays.copyOf(compressed, compressed.length - 10);

        assertThatThrownBy(() -> decompress(codec, new ByteArrayInputStream(truncated)))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
    }

    @Test
    void an_empty_source_is_not_a_brotli_stream() {
        BrotliCodec codec = new BrotliCodec(1);

        assertThatThrownBy(() -> decompress(codec, InputStream.nullInputStream())).isInstanceOf(IOException.class);
    }

    @Test
    void closing_the_compressing_stream_closes_the_sink() throws IOException {
        boolean[] closed = {false};
        OutputStream sink = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        new BrotliCodec(1).compressing(sink).close();

        assertThat(closed[0]).isTrue();
    }

    @Test
    void closing_the_decompressing_stream_closes_the_source_and_refuses_further_reads() throws IOException {
        BrotliCodec codec = new BrotliCodec(1);
        boolean[] closed = {false};
        InputStream source = new FilterInputStream(new ByteArrayInputStream(compress(codec, data(10, "text")))) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        InputStream decoding = codec.decompressing(source);

        decoding.close();
        decoding.close();

        assertThat(closed[0]).isTrue();
        assertThatThrownBy(decoding::read).isInstanceOf(IOException.class);
    }

    @Test
    void quality_must_be_0_to_11() {
        assertThatThrownBy(() -> new BrotliCodec(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BrotliCodec(12)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new BrotliCodec(11).quality()).isEqualTo(11);
    }

    @Test
    void natives_are_available_here_and_the_codec_names_brotli() {
        assertThat(BrotliCodec.available()).isTrue();
        assertThat(new BrotliCodec(1).algorithm()).isEqualTo(CompressionAlgorithm.BROTLI);
    }

    private static byte[] compress(BrotliCodec codec, byte[] original) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = codec.compressing(compressed)) {
            // Uneven writes, as the pipeline's chunks are.
            int position = 0;
            int step = 1;
            while (position < original.length) {
                int n = Math.min(step, original.length - position);
                out.write(original, position, n);
                position += n;
                step = step * 3 + 1;
            }
        }
        return compressed.toByteArray();
    }

    private static byte[] decompress(BrotliCodec codec, InputStream source) throws IOException {
        try (InputStream in = codec.decompressing(source)) {
            return in.readAllBytes();
        }
    }

    private static byte[] data(int size, String kind) {
        if (kind.equals("random")) {
            byte[] bytes = new byte[size];
            new Random(size).nextBytes(bytes);
            return bytes;
        }
        StringBuilder text = new StringBuilder(size + 100);
        Random random = new Random(size);
        String[] words = {"storage", "element", "ArtStore", "ingest", "файл", "документ", "保存", "checksum", "\n"};
        while (text.length() < size) {
            text.append(words[random.nextInt(words.length)]).append(' ').append(random.nextInt(1000)).append(' ');
        }
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, size);
    }

    /** Hands out one byte per read, as a slow network does. */
    private static final class TricklingStream extends InputStream {
        private final byte[] bytes;
        private int position;

        TricklingStream(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int next = read();
            if (next < 0) {
                return -1;
            }
            b[off] = (byte) next;
            return 1;
        }
    }
}
