package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.domain.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Passes a file's bytes on while checking them against the size and SHA-256 the catalogue recorded. The last byte is
 * held back until the end is reached and found right, so that a reader of a wrong file never receives all of it: the
 * stream fails with {@link ContentMismatchException} instead.
 */
public final class VerifyingInputStream extends InputStream {

    /** The bytes read are not the file the catalogue recorded. */
    public static final class ContentMismatchException extends IOException {
        public ContentMismatchException(String message) {
            super(message);
        }
    }

    private final InputStream source;
    private final long expectedSize;
    private final Sha256 expectedChecksum;
    private final MessageDigest digest;
    private long count;
    private int held = -1;
    private boolean ended;

    public VerifyingInputStream(InputStream source, long expectedSize, Sha256 expectedChecksum) {
        this.source = source;
        this.expectedSize = expectedSize;
        this.expectedChecksum = expectedChecksum;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() throws IOException {
        return Streams.readOneByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (ended) {
                if (held >= 0) {
                    b[off] = (byte) held;
                    held = -1;
                    return 1;
                }
                return -1;
            }
            int n = source.read(b, off, len);
            if (n < 0) {
                ended = true;
                check();
                continue;
            }
            if (n == 0) {
                continue;
            }
            digest.update(b, off, n);
            count += n;
            if (count > expectedSize) {
                throw new ContentMismatchException("the stored file holds more than its recorded " + expectedSize + " bytes");
            }
            int last = b[off + n - 1] & 0xff;
            if (held >= 0) {
                System.arraycopy(b, off, b, off + 1, n - 1);
                b[off] = (byte) held;
                held = last;
                return n;
            }
            held = last;
            if (n > 1) {
                return n - 1;
            }
        }
    }

    private void check() throws ContentMismatchException {
        if (count != expectedSize) {
            throw new ContentMismatchException("the stored file gives " + count + " bytes, not its recorded " + expectedSize);
        }
        Sha256 actual = Sha256.of(digest.digest());
        if (!actual.equals(expectedChecksum)) {
            throw new ContentMismatchException("the stored file's SHA-256 is " + actual + ", not its recorded " + expectedChecksum);
        }
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
