package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.port.out.DigestedContent;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * Counts and hashes (SHA-256) the bytes read through it, in the reader's own array right after each read filled it:
 * {@link DigestedContent}, so that a storage element writing those bytes unchanged takes this digest instead of
 * hashing them again.
 */
public final class HashingInputStream extends FilterInputStream implements DigestedContent {

    private final MessageDigest digest = DigestingInputStream.sha256();
    private final LongConsumer progress;
    private long count;
    private Sha256 result;

    /** @param progress told the total count after every read that returned bytes */
    public HashingInputStream(InputStream in, LongConsumer progress) {
        super(in);
        this.progress = progress;
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
            progress.accept(count);
        } else if (n < 0) {
            result = Sha256.of(digest.digest());
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

    @Override
    public long count() {
        return count;
    }

    @Override
    public Sha256 digest() {
        if (result == null) {
            throw new IllegalStateException("the stream has not been read to its end");
        }
        return result;
    }
}
