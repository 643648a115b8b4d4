package io.artstore.ingester.core.pipeline;

import java.io.IOException;
import java.io.InputStream;

/** Small helpers shared by the pipeline's streams and the adapters' wrappers around them. */
public final class Streams {

    private Streams() {}

    /**
     * {@link InputStream#read()} done through the stream's own array read, so that single bytes pass through the
     * same counting, digesting and checks as blocks do.
     */
    public static int readOneByte(InputStream in) throws IOException {
        byte[] one = new byte[1];
        int n = in.read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }
}
