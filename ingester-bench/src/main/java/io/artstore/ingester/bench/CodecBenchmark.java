package io.artstore.ingester.bench;

import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.storage.codec.BrotliCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codecs as the upload pipeline runs them ({@link GzipCodec}, the storage module's {@link BrotliCodec}),
 * compressing 4 MiB written in 64 KiB pieces into a sink that counts: ops/s × 4 MiB = input bytes/s, one core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(1)
public class CodecBenchmark {

    private static final int SIZE = 4 * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;

    @Param({"gzip-1", "gzip-6", "brotli-1", "brotli-4"})
    public String codec;

    @Param({"text", "random"})
    public String data;

    private byte[] input;
    private Codec compressor;

    @Setup
    public void setUp() {
        input = data.equals("text") ? BenchData.text(SIZE, 11) : BenchData.random(SIZE, 11);
        int level = Integer.parseInt(codec.substring(codec.indexOf('-') + 1));
        compressor = codec.startsWith("gzip") ? new GzipCodec(level) : new BrotliCodec(level);
    }

    @Benchmark
    public long compress() throws IOException {
        Counting sink = new Counting();
        try (OutputStream out = compressor.compressing(sink)) {
            for (int off = 0; off < SIZE; off += CHUNK) {
                out.write(input, off, CHUNK);
            }
        }
        return sink.count;
    }

    /** Counts the compressed bytes, so that the ratio can be checked and nothing is optimised away. */
    static final class Counting extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
