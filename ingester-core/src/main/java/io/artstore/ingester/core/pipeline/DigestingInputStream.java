package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.domain.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Counts and hashes (SHA-256) what is read through it; calls a hook on each read and at the end. */
class DigestingInputStream extends FilterInputStream {

    interface Hook {
        void afterRead(long total);

        void atEnd(long total, Sha256 digest);
    }

    private final MessageDigest digest;
    private final Hook hook;
    private long count;
    private Sha256 result;

    DigestingInputStream(InputStream in, Hook hook) {
        super(in);
        this.digest = sha256();
        this.hook = hook;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public int read() throws IOException {
        return Streams.readOneByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (result != null) {
            return -1;
        }
        int n = in.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
            count += n;
            hook.afterRead(count);
        } else if (n < 0) {
            result = Sha256.of(digest.digest());
            hook.atEnd(count, result);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping would leave bytes out of the digest");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Whether the end of the stream was read. */
    public boolean ended() {
        return result != null;
    }

    public long count() {
        return count;
    }

    /** The digest, once the end was reached. */
    public Sha256 digest() {
        if (result == null) {
            throw new IllegalStateException("the stream has not been read to its end");
        }
        return result;
    }
}
