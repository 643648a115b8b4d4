package io.artstore.ingester.server.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A deterministic pseudo-random byte stream of any length, made on the fly (so no test holds a large file in
 * memory or on disk), hashed with SHA-256 as it is produced.
 */
public final class GeneratedContent {

    private final long size;
    private final MessageDigest digest;
    private long produced;
    private long state;
    private String sha256;

    public GeneratedContent(long size, long seed) {
        this.size = size;
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public long size() {
        return size;
    }

    /** Fills {@code buffer} with the next bytes; returns how many, or -1 at the end. */
    public int next(byte[] buffer) {
        if (produced >= size) {
            return -1;
        }
        int n = (int) Math.min(buffer.length, size - produced) & ~7;
        if (n == 0) {
            n = (int) (size - produced);
        }
        for (int i = 0; i < n; i++) {
            if ((i & 7) == 0) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
            buffer[i] = (byte) (state >>> ((i & 7) << 3));
        }
        digest.update(buffer, 0, n);
        produced += n;
        return n;
    }

    /** The SHA-256 of everything produced; once {@link #next} returned -1. */
    public String sha256() {
        if (produced < size) {
            throw new IllegalStateException("only " + produced + " of " + size + " bytes were produced");
        }
        if (sha256 == null) {
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        return sha256;
    }
}
