package io.artstore.ingester.bench;

import io.artstore.ingester.server.http.multipart.MultipartParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.commons.fileupload2.core.MultipartInput;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;
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
 * One multipart body (a field, then a file part of {@code size} random bytes, as curl sends it) parsed whole
 * by three parsers, each reading the file part to its end as the upload route does: ops/s × size = bytes/s.
 *
 * <ul>
 *   <li>{@code commons}: commons-fileupload2 2.0.0-M5's {@code MultipartInput}, the server's parser before;
 *   <li>{@code jetty}: Jetty 12.1's {@code MultiPart.Parser}, fed in 16 KiB chunks as Jetty's connector reads them;
 *   <li>{@code ours}: {@link MultipartParser}, read through its stream in 64 KiB reads, as the pipeline reads.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MultipartBenchmark {

    /** curl's boundary form: 24 dashes and 16 hex digits. */
    private static final String BOUNDARY = "------------------------d74496d66958873e";
    private static final int READ = 64 * 1024;
    private static final int NETWORK_CHUNK = 16 * 1024;

    @Param({"1048576", "16777216"})
    public int size;

    private byte[] body;
    private final byte[] readBuffer = new byte[READ];

    @Setup
    public void setUp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 512);
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"target_mode\"\r\n\r\nedit\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(BenchData.random(size, 42));
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        body = out.toByteArray();
    }

    @Benchmark
    public long ours() throws IOException {
        MultipartParser parser = new MultipartParser(new ByteArrayInputStream(body), BOUNDARY, 8192);
        long total = 0;
        var part = parser.next();
        while (part.isPresent()) {
            total += drain(part.get().content());
            part = parser.next();
        }
        return total;
    }

    @Benchmark
    public long commons() throws IOException {
        MultipartInput input = MultipartInput.builder().setInputStream(new ByteArrayInputStream(body))
                .setBoundary(BOUNDARY.getBytes(StandardCharsets.US_ASCII)).setMaxPartHeaderSize(8192).get();
        long total = 0;
        boolean more = input.skipPreamble();
        while (more) {
            input.readHeaders();
            try (InputStream part = input.newInputStream()) {
                total += drain(part);
            }
            more = input.readBoundary();
        }
        return total;
    }

    @Benchmark
    public long jetty() {
        long[] total = new long[1];
        MultiPart.Parser parser = new MultiPart.Parser(BOUNDARY, new MultiPart.Parser.Listener() {
            @Override
            public void onPartContent(Content.Chunk chunk) {
                ByteBuffer bytes = chunk.getByteBuffer();
                // What a consumer does with the bytes: copy them out of the network buffer.
                int n = bytes.remaining();
                bytes.slice().get(readBuffer, 0, Math.min(n, READ));
                total[0] += n;
            }
        });
        for (int off = 0; off < body.length; off += NETWORK_CHUNK) {
            int n = Math.min(NETWORK_CHUNK, body.length - off);
            parser.parse(Content.Chunk.from(ByteBuffer.wrap(body, off, n), off + n == body.length));
        }
        return total[0];
    }

    private long drain(InputStream part) throws IOException {
        long total = 0;
        int n;
        while ((n = part.read(readBuffer, 0, READ)) >= 0) {
            total += n;
        }
        return total;
    }
}
