package io.artstore.ingester.core.testing;

import java.io.InputStream;

/** Hands out at most {@code step} bytes per read, as a network stream does. */
public final class TrickleInputStream extends InputStream {
    private final byte[] data;
    private final int step;
    private int position;

    public TrickleInputStream(byte[] data, int step) {
        this.data = data;
        this.step = step;
    }

    @Override
    public int read() {
        return position < data.length ? data[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= data.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, step), data.length - position);
        System.arraycopy(data, position, b, off, n);
        position += n;
        return n;
    }
}
