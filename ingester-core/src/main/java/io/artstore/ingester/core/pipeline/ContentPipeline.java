package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.ContentEncryption;
import io.artstore.ingester.core.port.out.DigestedContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The upload's byte path, read by the storage element: client bytes → SHA-256 and size of the original,
 * checked against the limits → optional compression → optional encryption → size (and, when the bytes changed,
 * SHA-256) of what is stored.
 *
 * <p>One pass over the data: uncompressed and unencrypted, the stored bytes are the original ones and share its
 * digest. When a codec is asked for, the first block is compressed on its own first; data that does not shrink by
 * at least 10 % there (already compressed, or random) is stored as it is, and {@link StoredContent} says so.
 * Encryption comes after compression (ciphertext does not compress), so an element holds only ciphertext.
 *
 * <p>Violations are thrown from {@code read} as {@link IngestException}, at the latest when the original
 * ends, so a storage element that commits only after reading to the end never commits a bad file.
 */
public final class ContentPipeline {

    /**
     * @param maxBytes the largest original a client may send
     * @param declaredSize what the client said the original's size is, if it did
     * @param expectedChecksum what the client said the original's SHA-256 is, if it did
     * @param sizeBound at most how many bytes the original can have, if known (e.g. the request's length): an original
     *     that fits one block is read without the read-ahead thread, which would only add a hand-over and a block
     */
    public record Limits(long maxBytes, OptionalLong declaredSize, Optional<Sha256> expectedChecksum, OptionalLong sizeBound) {
        public Limits {
            Objects.requireNonNull(declaredSize, "declaredSize");
            Objects.requireNonNull(expectedChecksum, "expectedChecksum");
            Objects.requireNonNull(sizeBound, "sizeBound");
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be > 0");
            }
        }

        /** Limits without a bound of the size beyond the declared one. */
        public Limits(long maxBytes, OptionalLong declaredSize, Optional<Sha256> expectedChecksum) {
            this(maxBytes, declaredSize, expectedChecksum, OptionalLong.empty());
        }

        /** Whether the original cannot be larger than one read-ahead block (a larger one fails its checks). */
        boolean fitsOneBlock() {
            long bound = Math.min(declaredSize.orElse(Long.MAX_VALUE), Math.min(maxBytes, sizeBound.orElse(Long.MAX_VALUE)));
            return bound <= ReadAheadInputStream.BLOCK_BYTES;
        }
    }

    /** Told how many stored bytes have passed; throws {@link IngestException} to cut the upload off. */
    @FunctionalInterface
    public interface StoredBytesListener {
        void stored(long totalStoredBytes);
    }

    private final Limits limits;
    private final Optional<CompressionAlgorithm> requested;
    private final DigestingInputStream original;
    /** The original, compressed when that pays; the stored bytes unless encrypted. */
    private final StoredStream compressed;
    private final Optional<DigestingInputStream> encrypted;
    /**
     * Time spent reading the client's bytes (upstream of the digest, on the read-ahead thread), through the digest (on
     * the read-ahead thread too, or on the reader's when {@link #hashedByReader}), then compression (on a thread of its
     * own) and encryption on the reader's thread.
     */
    private final TimedInputStream clientTimer;
    /** Whether the original is hashed on the reader's thread, behind the read-ahead, rather than ahead of it. */
    private final boolean hashedByReader;
    private final TimedInputStream digestTimer;
    /**
     * The reader's side of the read-ahead: time spent waiting for the original's bytes (received but not yet hashed,
     * when hashed by the reader).
     */
    private final TimedInputStream aheadTimer;
    private final TimedInputStream compressTimer;
    private final Optional<TimedInputStream> encryptTimer;
    private final StoredBytes stored;

    private ContentPipeline(InputStream client, Optional<Codec> codec, Optional<ContentEncryption.FileEncryption> encryption,
            Limits limits, StoredBytesListener listener) {
        this.limits = limits;
        this.requested = codec.map(Codec::algorithm);
        this.clientTimer = new TimedInputStream(client);
        // With a codec: receiving, parsing and hashing the original on one thread; compressing (when it pays) on a
        // second; hashing the compressed bytes, encrypting and storing on the reader's. Without one: receiving and
        // parsing ahead, then hashing, encrypting and storing on the reader's, since receiving, parsing and hashing on
        // one thread made it the pace-setter of a large upload while the reader's thread only wrote. A body of one block
        // at most is read on the reader's thread alone: a hand-off would cost more than it overlaps.
        this.hashedByReader = codec.isEmpty() && !limits.fitsOneBlock();
        InputStream received = new ClientStream(clientTimer);
        InputStream toStore;
        if (hashedByReader) {
            this.aheadTimer = new TimedInputStream(new ReadAheadInputStream(received, ReadAheadInputStream.BLOCKS));
            this.original = new DigestingInputStream(aheadTimer, originalChecks());
            this.digestTimer = new TimedInputStream(original);
            toStore = digestTimer;
        } else {
            this.original = new DigestingInputStream(received, originalChecks());
            this.digestTimer = new TimedInputStream(original);
            this.aheadTimer = new TimedInputStream(limits.fitsOneBlock() ? digestTimer
                    : new ReadAheadInputStream(digestTimer, codec.isPresent() ? ReadAheadInputStream.CODEC_BLOCKS : ReadAheadInputStream.BLOCKS));
            toStore = aheadTimer;
        }
        if (encryption.isEmpty()) {
            this.compressed = new StoredStream(original, toStore, codec, listener);
            this.compressTimer = new TimedInputStream(compressed);
            this.encrypted = Optional.empty();
        } else {
            this.compressed = new StoredStream(original, toStore, codec, total -> { });
            this.compressTimer = new TimedInputStream(compressed);
            this.encrypted = Optional.of(new DigestingInputStream(encryption.get().encrypting(compressTimer),
                    new DigestingInputStream.Hook() {
                        @Override
                        public void afterRead(long total) {
                            listener.stored(total);
                        }

                        @Override
                        public void atEnd(long total, Sha256 digest) {
                            listener.stored(total);
                        }
                    }));
        }
        this.encryptTimer = encrypted.map(TimedInputStream::new);
        this.stored = new StoredBytes(encryptTimer.<InputStream>map(e -> e).orElse(compressTimer));
    }

    /** The limits and the declared size and checksum, checked as the original is hashed. */
    private DigestingInputStream.Hook originalChecks() {
        return new DigestingInputStream.Hook() {
            @Override
            public void afterRead(long total) {
                checkSizeSoFar(total);
            }

            @Override
            public void atEnd(long total, Sha256 digest) {
                checkOriginal(total, digest);
            }
        };
    }

    public static ContentPipeline of(
            InputStream client, Optional<Codec> codec, Limits limits, StoredBytesListener listener) {
        return of(client, codec, Optional.empty(), limits, listener);
    }

    /** @param encryption the file's encryption when its stored bytes are to be encrypted */
    public static ContentPipeline of(InputStream client, Optional<Codec> codec, Optional<ContentEncryption.FileEncryption> encryption,
            Limits limits, StoredBytesListener listener) {
        return new ContentPipeline(client, codec, encryption, limits, listener);
    }

    /**
     * The bytes to store. The stream is {@link DigestedContent}: its digest is the stored SHA-256 of {@link #result()},
     * taken over the very arrays the reader's reads filled (the original's digest when nothing transforms the bytes),
     * so that a storage element that writes them unchanged need not hash them again.
     */
    public InputStream stored() {
        return stored;
    }

    /**
     * How long each stage of the pipeline worked on its own so far, in nanoseconds: reading the client's bytes,
     * digesting them, compressing and encrypting. Each timer counts everything upstream of it, so a stage's own time
     * is its timer's less the one before.
     */
    public Timings timings() {
        long client = clientTimer.nanos();
        long digested = digestTimer.nanos();
        long waited = aheadTimer.nanos();
        long compressedNanos = compressTimer.nanos();
        long encryptedNanos = encryptTimer.map(TimedInputStream::nanos).orElse(compressedNanos);
        long now = System.nanoTime();
        TimedInputStream last = encryptTimer.orElse(compressTimer);
        // Hashed by the reader, the digest's own time is what its reads took beyond waiting for the read-ahead; hashed
        // ahead, beyond receiving.
        long digest = hashedByReader ? digested - waited : digested - client;
        // Compressing on its own thread, the codec's time is its own; otherwise it is what the stored stream spent on top
        // of the stages before it.
        long compress = compressed.codecNanos().orElse(compressedNanos) - (hashedByReader ? digested : waited);
        return new Timings(client, Math.max(0, digest), Math.max(0, compress),
                Math.max(0, encryptedNanos - compressedNanos), encryptedNanos, clientTimer.firstRead(now),
                last.lastRead(now));
    }

    /**
     * Own time of each stage, in nanoseconds; {@code throughStored} is the time spent in reads of {@link #stored()},
     * every stage upstream included, so the storage element's own time is its call's time less that.
     *
     * @param firstRead {@link System#nanoTime()} of the first read of the client's bytes
     * @param lastRead {@link System#nanoTime()} when the last read of the stored bytes returned
     */
    public record Timings(long receive, long digest, long compress, long encrypt, long throughStored, long firstRead,
            long lastRead) {
    }

    public long originalBytesSoFar() {
        return original.count();
    }

    /** Sizes and digests of what went through; only once {@link #stored()} was read to its end. */
    public StoredContent result() {
        long storedBytes = encrypted.map(DigestingInputStream::count).orElseGet(compressed::count);
        Sha256 storedDigest = encrypted.map(DigestingInputStream::digest).orElseGet(compressed::digest);
        return new StoredContent(original.count(), original.digest(), storedBytes, storedDigest, compressed.applied(),
                requested);
    }

    private void checkSizeSoFar(long total) {
        if (total > limits.maxBytes()) {
            throw new IngestException(Kind.TOO_LARGE, "file_too_large",
                    "the file is larger than the maximum of " + limits.maxBytes() + " bytes");
        }
        OptionalLong declared = limits.declaredSize();
        if (declared.isPresent() && total > declared.getAsLong()) {
            throw new IngestException(Kind.CONTENT_MISMATCH, "size_mismatch",
                    "the file is larger than its declared file_size of " + declared.getAsLong() + " bytes");
        }
    }

    private void checkOriginal(long total, Sha256 digest) {
        if (total == 0) {
            throw IngestException.invalid("empty_file", "the file is empty; storage elements keep only files of 1 byte or more");
        }
        OptionalLong declared = limits.declaredSize();
        if (declared.isPresent() && total != declared.getAsLong()) {
            throw new IngestException(Kind.CONTENT_MISMATCH, "size_mismatch",
                    "the file has " + total + " bytes but its declared file_size is " + declared.getAsLong());
        }
        limits.expectedChecksum().filter(expected -> !expected.equals(digest)).ifPresent(expected -> {
            throw new IngestException(Kind.CONTENT_MISMATCH, "checksum_mismatch",
                    "the file's SHA-256 is " + digest + " but the request's checksum is " + expected);
        });
    }

    /** The last stage's bytes, counted as handed out; their digest is the pipeline's stored one. */
    private final class StoredBytes extends InputStream implements DigestedContent {
        private final InputStream in;
        private long count;
        private boolean ended;

        StoredBytes(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return Streams.readOneByte(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            } else if (n < 0) {
                ended = true;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skipping would leave bytes out of the stored digest");
        }

        @Override
        public long count() {
            return count;
        }

        /** Checked against this stream's own count, so that a stage that lost or added bytes cannot pass unseen. */
        @Override
        public Sha256 digest() {
            if (!ended) {
                throw new IllegalStateException("the stored bytes have not been read to their end");
            }
            StoredContent result = result();
            if (result.storedSize() != count) {
                throw new IllegalStateException("the pipeline counted " + result.storedSize() + " stored bytes but handed out "
                        + count);
            }
            return result.storedChecksum();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A client stream that fails is a client that went away or sent a broken body. */
    private static final class ClientStream extends InputStream {
        private final InputStream in;

        ClientStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return Streams.readOneByte(this);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw new IngestException(Kind.CLIENT_ABORTED, "upload_interrupted",
                        "the upload ended before the file was complete: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
