package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.port.out.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Turns a codec's push-style compressing stream into a pull-style one, so the storage element can read the
 * compressed bytes. Memory stays bounded: one input chunk and what the codec emits for it.
 *
 * <p>A source that lends its blocks ({@link BlockLending}, the read-ahead of the original) feeds the codec straight
 * from them: the codec's thread then copies no input byte before compressing it.
 */
final class CompressingInputStream extends InputStream {

    /** Large chunks: fewer calls into the codec (a native call per chunk for Brotli), fewer buffer refills. */
    private static final int CHUNK = 256 * 1024;

    /** Exposes its buffer so that draining it needs no copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        byte[] bytes() {
            return buf;
        }
    }

    private final InputStream source;
    /** The source's own blocks when it lends them, else chunks read from it. */
    private final BlockLending lending;
    private final Buffer compressed = new Buffer();
    private final OutputStream compressor;
    /** Bytes already read from the source (the probe's block), compressed first; let go once they were. */
    private byte[] prefix;
    private final int prefixLength;
    private int position;
    private boolean finished;

    CompressingInputStream(InputStream source, Codec codec) throws IOException {
        this(new byte[0], 0, source, codec);
    }

    /** Compresses {@code prefix[0..prefixLength)}, then the rest of {@code source}. */
    CompressingInputStream(byte[] prefix, int prefixLength, InputStream source, Codec codec) throws IOException {
        this.source = source;
        this.lending = BlockLending.of(source, CHUNK);
        this.prefix = prefixLength > 0 ? prefix : null;
        this.prefixLength = prefixLength;
        this.compressor = codec.compressing(compressed);
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
        while (position >= compressed.size()) {
            if (finished) {
                return -1;
            }
            compressed.reset();
            position = 0;
            if (prefix != null) {
                compressor.write(prefix, 0, prefixLength);
                prefix = null;
                continue;
            }
            int n = lending.lendTo(compressor::write);
            if (n < 0) {
                compressor.close();
                finished = true;
            }
        }
        int n = Math.min(len, compressed.size() - position);
        System.arraycopy(compressed.bytes(), position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        try {
            if (!finished) {
                finished = true;
                compressor.close();
            }
        } finally {
            source.close();
        }
    }
}
