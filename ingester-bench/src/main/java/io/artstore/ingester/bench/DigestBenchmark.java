package io.artstore.ingester.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The upload's digests over 4 MiB in 64 KiB updates: ops/s × 4 MiB = bytes/s. An uncompressed upload digests
 * its bytes as the original and again as the stored copy; {@code sha256TwoDigests} is that, {@code sha256} the
 * cost once both share one pass. MD5 is not used by the ingester; it is here as the cheaper hash for scale.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DigestBenchmark {

    private static final int SIZE = 4 * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;

    private byte[] data;
    private MessageDigest sha256;
    private MessageDigest sha256Stored;
    private MessageDigest md5;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        data = BenchData.random(SIZE, 7);
        sha256 = MessageDigest.getInstance("SHA-256");
        sha256Stored = MessageDigest.getInstance("SHA-256");
        md5 = MessageDigest.getInstance("MD5");
    }

    @Benchmark
    public byte[] sha256() {
        for (int off = 0; off < SIZE; off += CHUNK) {
            sha256.update(data, off, CHUNK);
        }
        return sha256.digest();
    }

    @Benchmark
    public byte[] sha256TwoDigests() {
        for (int off = 0; off < SIZE; off += CHUNK) {
            sha256.update(data, off, CHUNK);
            sha256Stored.update(data, off, CHUNK);
        }
        sha256.digest();
        return sha256Stored.digest();
    }

    @Benchmark
    public byte[] md5() {
        for (int off = 0; off < SIZE; off += CHUNK) {
            md5.update(data, off, CHUNK);
        }
        return md5.digest();
    }
}
