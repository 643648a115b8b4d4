package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A file part parked on disk because it came before the fields that say where it goes. Closing deletes it.
 */
final class Spool implements AutoCloseable {

    static final String PREFIX = "upload-";
    private static final int CHUNK = 64 * 1024;

    private final Path file;
    private final long size;

    private Spool(Path file, long size) {
        this.file = file;
        this.size = size;
    }

    /**
     * Copies {@code part} to a new file in {@code folder}, refusing it as soon as it passes the maximum or its
     * declared size. Nothing is left on disk when this throws.
     *
     * @throws IOException when reading the part fails (the client went away or sent a broken body)
     */
    static Spool write(Path folder, InputStream part, long maxFileBytes, OptionalLong declaredSize) throws IOException {
        Path file = create(folder);
        long count = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] chunk = new byte[CHUNK];
            int n;
            while ((n = part.read(chunk)) >= 0) {
                count += n;
                if (count > maxFileBytes) {
                    throw new IngestException(Kind.TOO_LARGE, "file_too_large",
                            "the file is larger than the maximum of " + maxFileBytes + " bytes");
                }
                if (declaredSize.isPresent() && count > declaredSize.getAsLong()) {
                    throw new IngestException(Kind.CONTENT_MISMATCH, "size_mismatch",
                            "the file is larger than its declared file_size of " + declaredSize.getAsLong() + " bytes");
                }
                write(out, chunk, n);
            }
            return new Spool(file, count);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(file, e);
            throw e;
        }
    }

    /** Removes what a crash may have left in the spool folder; called before the server takes requests. */
    static void clear(Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (var files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().startsWith(PREFIX)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the upload spool folder " + folder, e);
        }
    }

    long size() {
        return size;
    }

    InputStream open() {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new IngestException(Kind.INTERNAL, "spool_failed", "cannot read the spooled upload " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the spooled upload " + file, e);
        }
    }

    private static Path create(Path folder) {
        try {
            Files.createDirectories(folder);
            return Files.createTempFile(folder, PREFIX, ".part");
        } catch (IOException e) {
            throw new IngestException(Kind.INTERNAL, "spool_failed", "cannot create a spool file in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** A failed write is our disk's fault, not the client's: report it as such. */
    private static void write(OutputStream out, byte[] chunk, int n) {
        try {
            out.write(chunk, 0, n);
        } catch (IOException e) {
            throw new IngestException(Kind.INTERNAL, "spool_failed", "cannot write the spooled upload: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file, Exception failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
