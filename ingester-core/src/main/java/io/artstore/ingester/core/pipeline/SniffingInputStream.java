package io.artstore.ingester.core.pipeline;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.Consumer;

/** Passes bytes through unchanged and hands the first few to a listener once, as soon as they have passed. */
public final class SniffingInputStream extends FilterInputStream {

    private final byte[] head;
    private final Consumer<byte[]> listener;
    private int captured;
    private boolean told;

    public SniffingInputStream(InputStream in, int headBytes, Consumer<byte[]> listener) {
        super(in);
        this.head = new byte[headBytes];
        this.listener = listener;
    }

    @Override
    public int read() throws IOException {
        return Streams.readOneByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (told) {
            return n;
        }
        if (n > 0) {
            int take = Math.min(n, head.length - captured);
            System.arraycopy(b, off, head, captured, take);
            captured += take;
        }
        if (n < 0 || captured == head.length) {
            told = true;
            listener.accept(Arrays.copyOf(head, captured));
        }
        return n;
    }
}
