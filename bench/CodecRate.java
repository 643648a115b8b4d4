// Single-core rate of the ingester's own codecs, for bench/run.sh. Run from source against the server jar:
//   java -cp artstore-ingester.jar bench/CodecRate.java corpus OUT BYTES   text to compress (see corpus())
//   java -cp artstore-ingester.jar bench/CodecRate.java rate gzip|brotli LEVEL FILE
// "rate" compresses FILE on one thread with the classes the ingester compresses with (GzipCodec: the JDK's
// zlib; BrotliCodec: brotli4j) into a counting sink and prints "CODEC algorithm=… level=… bytes=… stored=…
// seconds=… mb_per_s=…" (MB = 10^6 bytes). One untimed pass over the first 32 MiB warms the code up.
//   java -cp artstore-ingester.jar bench/CodecRate.java pipeline none|gzip|brotli LEVEL FILE
// runs the upload pipeline alone (ContentPipeline) over FILE three times and prints the MB/s of each round:
// point -cp at two builds' jars to compare their pipelines without HTTP, parser or disk.

import io.artstore.ingester.core.pipeline.ContentPipeline;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.storage.codec.BrotliCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.io.UncheckedIOException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

public class CodecRate {

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("corpus")) {
            corpus(Path.of(args[1]), Long.parseLong(args[2]));
        } else if (args.length == 4 && args[0].equals("rate")) {
            rate(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
        } else if (args.length == 4 && args[0].equals("pipeline")) {
            pipeline(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
        } else {
            System.err.println("usage: corpus OUT BYTES | rate gzip|brotli LEVEL FILE | pipeline none|gzip|brotli LEVEL FILE");
            System.exit(2);
        }
    }

    /**
     * Real text, no repetition while it lasts: the Java sources of the JDK's src.zip when it is installed
     * (package openjdk-17-source), else the text files (sources, headers, documentation) under /usr/share,
     * /usr/lib and /usr/include, in name order. Repeated from the start only when there is less than BYTES.
     */
    static void corpus(Path out, long bytes) throws IOException {
        Path src = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        List<Path> files = new ArrayList<>();
        if (!Files.isReadable(src)) {
            for (String root : List.of("/usr/share", "/usr/lib", "/usr/include")) {
                try (Stream<Path> walk = Files.walk(Path.of(root))) {
                    walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                            && p.getFileName().toString().matches(".*\\.(java|py|pm|pod|h|c|txt|html|xml|md|rst)"))
                            .sorted().forEach(files::add);
                } catch (UncheckedIOException | IOException e) {
                    // a folder that is missing or unreadable adds nothing
                }
            }
        }
        long written = 0;
        byte[] buffer = new byte[256 * 1024];
        try (OutputStream sink = Files.newOutputStream(out)) {
            while (written < bytes) {
                long before = written;
                if (files.isEmpty()) {
                    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(src))) {
                        for (ZipEntry e; (e = zip.getNextEntry()) != null && written < bytes; ) {
                            if (e.getName().endsWith(".java")) {
                                written = copy(zip, sink, buffer, written, bytes);
                            }
                        }
                    }
                } else {
                    for (Path file : files) {
                        if (written >= bytes) {
                            break;
                        }
                        try (InputStream in = Files.newInputStream(file)) {
                            written = copy(in, sink, buffer, written, bytes);
                        } catch (IOException e) {
                            // unreadable: skipped
                        }
                    }
                }
                if (written == before) {
                    throw new IOException("found no text to compress");
                }
            }
        }
        System.out.println("CORPUS " + (files.isEmpty() ? src : "text files under /usr/share, /usr/lib, /usr/include"));
    }

    private static long copy(InputStream in, OutputStream sink, byte[] buffer, long written, long bytes) throws IOException {
        for (int n; written < bytes && (n = in.read(buffer)) > 0; ) {
            int take = (int) Math.min(n, bytes - written);
            sink.write(buffer, 0, take);
            written += take;
        }
        return written;
    }

    static void rate(String algorithm, int level, Path file) throws IOException {
        Codec codec = switch (algorithm) {
            case "gzip" -> new GzipCodec(level);
            case "brotli" -> new BrotliCodec(level);
            default -> throw new IllegalArgumentException("gzip or brotli, not " + algorithm);
        };
        compress(codec, file, 32L << 20);
        long t0 = System.nanoTime();
        long[] result = compress(codec, file, Long.MAX_VALUE);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("CODEC algorithm=%s level=%d bytes=%d stored=%d seconds=%.3f mb_per_s=%.2f%n",
                algorithm, level, result[0], result[1], seconds, result[0] / seconds / 1e6);
    }

    /**
     * The upload pipeline alone (ContentPipeline: digests, checks, probe, compression), FILE read from the page
     * cache in 256 KiB blocks as a storage element reads it, the stored bytes dropped. Prints "PIPELINE …".
     */
    static void pipeline(String algorithm, int level, Path file) throws IOException {
        Optional<Codec> codec = switch (algorithm) {
            case "none" -> Optional.empty();
            case "gzip" -> Optional.of(new GzipCodec(level));
            case "brotli" -> Optional.of(new BrotliCodec(level));
            default -> throw new IllegalArgumentException("none, gzip or brotli, not " + algorithm);
        };
        byte[] buffer = new byte[256 * 1024];
        double best = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            try (InputStream in = Files.newInputStream(file)) {
                ContentPipeline pipeline = ContentPipeline.of(in, codec,
                        new ContentPipeline.Limits(Long.MAX_VALUE, OptionalLong.empty(), Optional.empty()), n -> {});
                InputStream stored = pipeline.stored();
                while (stored.read(buffer) >= 0) {
                    // the stored bytes are dropped: only the pipeline's own cost is measured
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double rate = pipeline.result().originalSize() / seconds / 1e6;
                System.out.printf("PIPELINE round=%d algorithm=%s level=%d bytes=%d stored=%d seconds=%.3f mb_per_s=%.2f%n",
                        round, algorithm, level, pipeline.result().originalSize(), pipeline.result().storedSize(), seconds, rate);
                best = Math.max(best, rate);
            }
        }
        System.out.printf("PIPELINE best mb_per_s=%.2f%n", best);
    }

    private static long[] compress(Codec codec, Path file, long limit) throws IOException {
        long[] stored = {0};
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                stored[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                stored[0] += len;
            }
        };
        byte[] buffer = new byte[256 * 1024];
        long read = 0;
        try (InputStream in = Files.newInputStream(file); OutputStream out = codec.compressing(counting)) {
            for (int n; read < limit && (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                read += n;
            }
        }
        return new long[] {read, stored[0]};
    }
}
