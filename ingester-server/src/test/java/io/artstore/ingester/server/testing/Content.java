package io.artstore.ingester.server.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Test file contents. */
public final class Content {

    private Content() {}

    /** Pseudo-random bytes, the same for the same size. */
    public static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Text that compresses well. */
    public static byte[] text(int size) {
        byte[] line = "the quick brown fox jumps over the lazy dog 0123456789\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = line[i % line.length];
        }
        return bytes;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
