package io.artstore.ingester.storage.crypto;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a stream in whole chunks and tells, with each, whether it is the last. The envelope binds the final flag
 * into each chunk's authentication, so a full chunk that happens to end the stream must be known as the last one
 * before it is sealed or opened: one byte is read ahead and carried into the next chunk.
 */
final class ChunkReader {

    private final InputStream source;
    private int carry = -1;
    private boolean last;

    ChunkReader(InputStream source) {
        this.source = source;
    }

    /** Fills {@code chunk} from its start as far as the stream allows; returns how many bytes it holds. */
    int next(byte[] chunk) throws IOException {
        int filled = 0;
        if (carry >= 0) {
            chunk[filled++] = (byte) carry;
            carry = -1;
        }
        filled += source.readNBytes(chunk, filled, chunk.length - filled);
        last = filled < chunk.length;
        if (!last) {
            int next = source.read();
            if (next < 0) {
                last = true;
            } else {
                carry = next;
            }
        }
        return filled;
    }

    /** Whether the chunk {@link #next} read last is the stream's final one. */
    boolean last() {
        return last;
    }
}
