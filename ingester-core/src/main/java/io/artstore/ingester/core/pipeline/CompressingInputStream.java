package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.port.out.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Turns a codec's push-style compressing stream into a pull-style one, so the storage element can read the
 * compressed bytes. Memory stays bounded: one input chunk and what the codec emits for it.
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
    private final Buffer compressed = new Buffer();
    private final OutputStream compressor;
    private final byte[] chunk = new byte[CHUNK];
    private int position;
    private boolean finished;

    CompressingInputStream(InputStream source, Codec codec) throws IOException {
        this.source = source;
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
            int n = source.read(chunk);
            if (n < 0) {
                compressor.close();
                finished = true;
            } else if (n > 0) {
                compressor.write(chunk, 0, n);
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
