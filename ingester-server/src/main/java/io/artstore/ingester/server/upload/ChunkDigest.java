package io.artstore.ingester.server.upload;

import io.artstore.ingester.core.domain.IngestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A checksum a client sent for one request's body ({@code Upload-Checksum} or {@code Content-Digest}), checked once
 * the body has arrived.
 *
 * @param header the header it came from, named in the refusal
 * @param algorithm the JDK's name of the digest
 */
public record ChunkDigest(String header, String algorithm, byte[] expected) {

    /** The code of a chunk refused for its checksum; tus answers it with 460. */
    public static final String CHECKSUM_MISMATCH = "checksum_mismatch";

    public ChunkDigest {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(algorithm, "algorithm");
        expected = expected.clone();
    }

    MessageDigest start() {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }

    void check(MessageDigest digest) {
        byte[] actual = digest.digest();
        if (!Arrays.equals(actual, expected)) {
            throw new IngestException(IngestException.Kind.CONTENT_MISMATCH, CHECKSUM_MISMATCH, "the request's body does not match its " + header + " (" + algorithm + " "
                    + Base64.getEncoder().encodeToString(actual) + " received); the chunk was dropped and the offset is"
                    + " unchanged: send it again");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChunkDigest that && header.equals(that.header) && algorithm.equals(that.algorithm)
                && Arrays.equals(expected, that.expected);
    }

    @Override
    public int hashCode() {
        return Objects.hash(header, algorithm, Arrays.hashCode(expected));
    }

    @Override
    public String toString() {
        return header + " " + algorithm;
    }
}
