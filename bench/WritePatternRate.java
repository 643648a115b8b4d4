// What the disk alone allows a resumable upload, against a multipart one: both write patterns replayed without HTTP,
// without a server, with the JDK only. Run from source:
//   java [-Dearly=MIB] bench/WritePatternRate.java FOLDER [MIB] [ROUNDS] [CHUNK_MIB]
// In FOLDER (on the disk under test; a file of MIB MiB, default 1024, is written and deleted per round):
// - multipart: the file in 1 MiB writes, an early fdatasync every 16 MiB on a second thread (never two at once), one
//   fdatasync at the end; what ContentWriter does for one upload;
// - tus: the same writes in chunks of CHUNK_MIB (default 16) MiB, each chunk ended as a PATCH is before its answer: the early fdatasyncs
//   every 1 MiB, the final fdatasync the writer waits for, then the upload's 4 KiB session slot written in place and
//   forced (ChunkWriter, StagingArea, FileUploadSessions). -Dearly changes the early interval of this pattern (1 MiB).
// After one untimed pass of each, prints each round's MB/s of both, then the medians of both rates and of their ratio:
// what this disk allows each kind of upload while it keeps its promise (bytes on disk before they are acknowledged),
// before any request, response, parsing or hashing costs anything.

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

public class WritePatternRate {

    private static final int MIB = 1 << 20;
    static final long TUS_EARLY = Long.getLong("early", 1) * MIB;

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 1024) * MIB;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        long chunk = (args.length > 3 ? Long.parseLong(args[3]) : 16) * MIB;
        byte[] block = new byte[MIB];
        new Random(1).nextBytes(block);
        ExecutorService early = Executors.newSingleThreadExecutor();
        List<Double> ratios = new ArrayList<>();
        List<Double> multipartRates = new ArrayList<>();
        List<Double> tusRates = new ArrayList<>();
        try {
            // One untimed pass of each: the first file written after other work ran at half the rate of the next ones.
            write(folder, bytes, block, early, 16L * MIB, bytes, false);
            write(folder, bytes, block, early, TUS_EARLY, chunk, true);
            for (int round = 1; round <= rounds; round++) {
                double multipart = rate(bytes, () -> write(folder, bytes, block, early, 16L * MIB, bytes, false));
                double tus = rate(bytes, () -> write(folder, bytes, block, early, TUS_EARLY, chunk, true));
                ratios.add(tus / multipart);
                multipartRates.add(multipart);
                tusRates.add(tus);
                System.out.printf("round %d: multipart pattern %.1f MB/s, tus pattern (%d MiB chunks) %.1f MB/s, ratio %.2f%n",
                        round, multipart, chunk / MIB, tus, tus / multipart);
            }
        } finally {
            early.shutdown();
        }
        System.out.printf("WRITE_PATTERN multipart %.1f tus %.1f ratio %.2f%n", median(multipartRates), median(tusRates),
                median(ratios));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    interface Run {
        void run() throws Exception;
    }

    private static double rate(long bytes, Run run) throws Exception {
        long start = System.nanoTime();
        run.run();
        return bytes / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    /**
     * Writes {@code bytes} in 1 MiB writes, forcing early every {@code earlyEvery} bytes and waiting for a force at the
     * end of every {@code chunk} bytes; with {@code session}, a 4 KiB slot of another file is written and forced after it.
     */
    private static void write(Path folder, long bytes, byte[] block, ExecutorService early, long earlyEvery, long chunk,
            boolean session) throws Exception {
        Path file = folder.resolve("write-pattern.bin");
        Path slot = folder.resolve("write-pattern.session");
        Files.deleteIfExists(file);
        try (FileChannel data = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                FileChannel sessions = FileChannel.open(slot, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long position = 0;
            while (position < bytes) {
                long chunkEnd = Math.min(bytes, position + chunk);
                long nextEarly = position + earlyEvery;
                Future<?> running = null;
                while (position < chunkEnd) {
                    ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) Math.min(MIB, chunkEnd - position));
                    while (buffer.hasRemaining()) {
                        position += data.write(buffer, position);
                    }
                    if (position >= nextEarly && (running == null || running.isDone())) {
                        nextEarly = position + earlyEvery;
                        running = early.submit(() -> {
                            data.force(false);
                            return null;
                        });
                    }
                }
                if (running != null) {
                    running.get();
                }
                data.force(false);
                if (session) {
                    sessions.write(ByteBuffer.wrap(block, 0, 4096), (position / chunk % 2) * 4096);
                    sessions.force(false);
                }
            }
        } finally {
            delete(file);
            delete(slot);
        }
    }

    private static void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }
}
