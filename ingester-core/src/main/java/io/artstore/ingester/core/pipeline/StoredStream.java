package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.port.out.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The bytes handed to the storage element: the original as it is, or compressed when a codec was asked for
 * and the first block shows that compressing pays.
 *
 * <p>Uncompressed, the stored bytes are the original bytes: they are counted here but not hashed again, the
 * original's digest is theirs. Only compressed output gets a digest of its own, taken on the reader's thread.
 *
 * <p>Past the probe, the codec runs on a thread of its own, a few blocks ahead of the reader, so that on two cores it
 * never waits for the hashing and writing of what it compressed before (which run on the reader's thread).
 */
final class StoredStream extends InputStream {

    /** The block compressed to decide whether the rest is worth compressing. */
    static final int PROBE_BYTES = 64 * 1024;

    /**
     * Compress only when the probe shrinks to at most this fraction of its size. Below 10 % of savings the
     * CPU (and every later read's decompression) buys almost nothing: such data is already compressed
     * (JPEG, ZIP, video) or random (encrypted).
     */
    static final double MAX_PROBE_RATIO = 0.9;

    /** Why compression was asked for but not applied. */
    static final String INCOMPRESSIBLE = "incompressible";

    private final DigestingInputStream original;
    /** Where the original is read from: the original itself, or a timer around it. */
    private final InputStream source;
    private final Optional<Codec> codec;
    private final ContentPipeline.StoredBytesListener listener;
    private InputStream body;
    /** The codec's side, on its own thread; the time it spent there, waiting for the original included. */
    private TimedInputStream compressing;
    private long probeNanos;
    private MessageDigest digest;
    private Optional<CompressionAlgorithm> applied = Optional.empty();
    private long count;
    private Sha256 result;
    private boolean ended;

    StoredStream(DigestingInputStream original, Optional<Codec> codec, ContentPipeline.StoredBytesListener listener) {
        this(original, original, codec, listener);
    }

    StoredStream(DigestingInputStream original, InputStream source, Optional<Codec> codec,
            ContentPipeline.StoredBytesListener listener) {
        this.original = original;
        this.source = source;
        this.codec = codec;
        this.listener = listener;
    }

    @Override
    public int read() throws IOException {
        return Streams.readOneByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        if (body == null) {
            long began = System.nanoTime();
            body = codec.isPresent() ? probe(codec.get()) : source;
            probeNanos = System.nanoTime() - began;
        }
        int n = body.read(b, off, len);
        if (n > 0) {
            if (digest != null) {
                digest.update(b, off, n);
            }
            count += n;
            listener.stored(count);
        } else if (n < 0) {
            ended = true;
            result = digest != null ? Sha256.of(digest.digest()) : original.digest();
            listener.stored(count);
        }
        return n;
    }

    /**
     * Reads the first block, compresses it on its own and decides. A file that fits in the block is not
     * compressed twice: the probe's output is the stored file.
     */
    private InputStream probe(Codec codec) throws IOException {
        byte[] block = new byte[PROBE_BYTES];
        int filled = 0;
        boolean whole = false;
        while (filled < block.length) {
            int n = source.read(block, filled, block.length - filled);
            if (n < 0) {
                whole = true;
                break;
            }
            filled += n;
        }
        Exposed compressed = new Exposed(Math.max(64, filled / 2));
        try (OutputStream compressor = codec.compressing(compressed)) {
            compressor.write(block, 0, filled);
        }
        if (compressed.size() > MAX_PROBE_RATIO * filled) {
            return new PrefixedStream(block, filled, source);
        }
        applied = Optional.of(codec.algorithm());
        digest = DigestingInputStream.sha256();
        if (whole) {
            return new ByteArrayInputStream(compressed.bytes(), 0, compressed.size());
        }
        // The codec gets a thread of its own: while it compresses, this reader's thread hashes and stores what it
        // compressed before, and the original's read-ahead thread receives and hashes what comes next.
        compressing = new TimedInputStream(new CompressingInputStream(block, filled, source, codec));
        return new ReadAheadInputStream(compressing);
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping would leave bytes out of the stored digest");
    }

    @Override
    public void close() throws IOException {
        if (body != null && body != original && body != source) {
            body.close();
        }
        // The source closes what is upstream of it, the original included (once a read-ahead let go of it).
        source.close();
    }

    long count() {
        return count;
    }

    /**
     * When the codec ran on a thread of its own: nanoseconds spent probing and compressing, reads of the original
     * included. Read once the stream was closed or read to its end (the codec's thread has let go by then).
     */
    OptionalLong codecNanos() {
        return compressing == null ? OptionalLong.empty() : OptionalLong.of(probeNanos + compressing.nanos());
    }

    /** The stored bytes' digest, once the end was reached. */
    Sha256 digest() {
        if (result == null) {
            throw new IllegalStateException("the stream has not been read to its end");
        }
        return result;
    }

    /** The algorithm the stored bytes are compressed with; known once the first byte was read. */
    Optional<CompressionAlgorithm> applied() {
        return applied;
    }

    /** Exposes its buffer so that the probe's output is read without a copy. */
    private static final class Exposed extends ByteArrayOutputStream {
        Exposed(int size) {
            super(size);
        }

        byte[] bytes() {
            return buf;
        }
    }

    /** A block already read, then the rest of the stream; the block is let go once it was read. */
    private static final class PrefixedStream extends InputStream {
        private byte[] prefix;
        private final int length;
        private int position;
        private final InputStream rest;

        PrefixedStream(byte[] prefix, int length, InputStream rest) {
            this.prefix = prefix;
            this.length = length;
            this.rest = rest;
        }

        @Override
        public int read() throws IOException {
            return Streams.readOneByte(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (prefix != null) {
                int n = Math.min(len, length - position);
                if (n > 0) {
                    System.arraycopy(prefix, position, b, off, n);
                    position += n;
                    if (position == length) {
                        prefix = null;
                    }
                    return n;
                }
                prefix = null;
            }
            return rest.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            rest.close();
        }
    }
}
