package io.artstore.ingester.storage.http;

import io.artstore.ingester.core.domain.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/** Pseudo-random bytes of a given size, made as they are read and digested on the way; nothing is held. */
final class GeneratedContent extends InputStream {

    private final SplittableRandom random;
    private final MessageDigest digest = sha256();
    private long remaining;

    GeneratedContent(long size, long seed) {
        this.remaining = size;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (remaining == 0) {
            return -1;
        }
        int n = (int) Math.min(len, remaining);
        for (int i = 0; i < n; i += 8) {
            long word = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                b[off + i + j] = (byte) (word >>> (8 * j));
            }
        }
        digest.update(b, off, n);
        remaining -= n;
        return n;
    }

    /** The SHA-256 of everything read; only once the stream has ended. */
    Sha256 checksum() {
        if (remaining != 0) {
            throw new IllegalStateException("the content was not read to its end");
        }
        return Sha256.of(digest.digest());
    }

    /** The SHA-256 of what {@code in} yields, read to its end and closed. */
    static Sha256 checksumOf(InputStream in) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[256 * 1024];
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Sha256.of(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
