package io.artstore.ingester.core.pipeline;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that can lend its next bytes from a buffer of its own instead of copying them into the caller's array: a
 * consumer that only passes the bytes on (the codec) saves a copy of every byte.
 */
interface BlockLending {

    /** Takes lent bytes; they are valid only during the call and must not be changed. */
    @FunctionalInterface
    interface Sink {
        void accept(byte[] bytes, int offset, int length) throws IOException;
    }

    /**
     * Hands the next bytes (at least one, at most one buffer) to {@code sink}, blocking as {@code read} does.
     *
     * @return how many bytes the sink got, or -1 at the end of the stream
     */
    int lendTo(Sink sink) throws IOException;

    /** {@code stream} itself when it lends its blocks, else a lender that reads it into a buffer of its own. */
    static BlockLending of(InputStream stream, int bufferBytes) {
        return stream instanceof BlockLending lending ? lending : reading(stream, bufferBytes);
    }

    /** Lends what each read of {@code stream} brings, read into a buffer of {@code bufferBytes} made at the first. */
    static BlockLending reading(InputStream stream, int bufferBytes) {
        return new BlockLending() {
            private byte[] buffer;

            @Override
            public int lendTo(Sink sink) throws IOException {
                if (buffer == null) {
                    buffer = new byte[bufferBytes];
                }
                int n = stream.read(buffer, 0, buffer.length);
                if (n > 0) {
                    sink.accept(buffer, 0, n);
                }
                return n;
            }
        };
    }
}
