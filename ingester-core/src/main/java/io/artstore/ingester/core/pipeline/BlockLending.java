package io.artstore.ingester.core.pipeline;

import java.io.IOException;

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
}
