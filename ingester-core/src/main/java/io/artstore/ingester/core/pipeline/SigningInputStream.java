package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.port.out.Signing;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Feeds a {@link Signing} with every byte read through it, so that the original content is signed while it
 * streams. Put it where the original bytes pass, before compression.
 */
public final class SigningInputStream extends FilterInputStream {

    private final Signing signing;

    public SigningInputStream(InputStream in, Signing signing) {
        super(Objects.requireNonNull(in, "in"));
        this.signing = Objects.requireNonNull(signing, "signing");
    }

    @Override
    public int read() throws IOException {
        return Streams.readOneByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            signing.update(b, off, n);
        }
        return n;
    }

    /** Skipped bytes would be missing from the signature. */
    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping would leave bytes out of the signature");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // Not supported: a reset would feed the same bytes twice.
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset would feed the same bytes to the signature twice");
    }
}
