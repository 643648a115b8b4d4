package io.artstore.ingester.storage.codec;

import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import io.artstore.ingester.core.pipeline.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Decodes a Brotli stream by driving the native decoder directly: push input, pull output. When the source
 * has ended while the decoder still asks for input, it is pushed an empty input once more, since it may
 * hold buffered bytes it has not yet decoded; only if it still asks for input is the stream truncated.
 */
final class BrotliDecodingInputStream extends InputStream {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final InputStream source;
    private final DecoderJNI.Wrapper decoder;
    private final byte[] chunk;
    /** Decoded bytes not yet read; a view of the decoder's memory, valid until its next push or pull. */
    private ByteBuffer output = EMPTY;
    private boolean sourceEnded;
    private boolean closed;

    BrotliDecodingInputStream(InputStream source, int bufferBytes) throws IOException {
        this.source = source;
        this.decoder = new DecoderJNI.Wrapper(bufferBytes);
        this.chunk = new byte[bufferBytes];
    }

    @Override
    public int read() throws IOException {
        return Streams.readOneByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("the Brotli stream is closed");
        }
        if (len == 0) {
            return 0;
        }
        if (!output.hasRemaining() && !decodeMore()) {
            return -1;
        }
        int n = Math.min(len, output.remaining());
        output.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return closed ? 0 : output.remaining();
    }

    /** Makes decoded bytes available in {@link #output}; false at the end of the stream. */
    private boolean decodeMore() throws IOException {
        while (true) {
            if (decoder.hasOutput()) {
                output = decoder.pull();
                if (output.hasRemaining()) {
                    return true;
                }
                continue;
            }
            switch (decoder.getStatus()) {
                case DONE:
                    return false;
                case OK:
                    decoder.push(0);
                    break;
                case NEEDS_MORE_OUTPUT:
                    output = decoder.pull();
                    if (output.hasRemaining()) {
                        return true;
                    }
                    break;
                case NEEDS_MORE_INPUT:
                    pushInput();
                    break;
                default:
                    throw new IOException("the Brotli stream is corrupt");
            }
        }
    }

    private void pushInput() throws IOException {
        if (!sourceEnded) {
            ByteBuffer input = decoder.getInputBuffer();
            input.clear();
            int n = source.read(chunk, 0, Math.min(chunk.length, input.capacity()));
            if (n > 0) {
                input.put(chunk, 0, n);
                decoder.push(n);
                return;
            }
            if (n == 0) {
                return;
            }
            sourceEnded = true;
        }
        decoder.push(0);
        if (decoder.getStatus() == DecoderJNI.Status.NEEDS_MORE_INPUT && !decoder.hasOutput()) {
            throw new IOException("the Brotli stream is truncated: its source ended before the stream did");
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        output = EMPTY;
        try {
            decoder.destroy();
        } finally {
            source.close();
        }
    }
}
