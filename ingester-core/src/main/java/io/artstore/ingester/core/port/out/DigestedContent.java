package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Sha256;

/**
 * A content stream handed to {@link StorageElement#store} or {@link StorageElement#stage} that already knows the SHA-256
 * and the size of the bytes it hands out, so that an element which keeps those bytes unchanged need not hash them a
 * second time.
 *
 * <p>The contract: once {@code read} has returned -1, {@link #digest()} is the SHA-256 and {@link #count()} the number
 * of exactly the bytes that the stream's {@code read} calls returned, in the order returned. An element may answer
 * with this digest instead of its own only when it reads from this very object (a stream wrapped around it may have
 * changed the bytes and hides the interface, so the element hashes), writes every byte each read returned, unchanged,
 * and checks that it wrote {@link #count()} bytes. An element that sends the bytes over a network may take it the
 * same way as the digest of what it sent (every byte read, sent unchanged, {@link #count()} checked), to compare with
 * what the far side says it stored. Bytes the element transforms get a digest of their own.
 */
public interface DigestedContent {

    /** The number of bytes handed out so far; all of them once the end was read. */
    long count();

    /**
     * The SHA-256 of every byte handed out.
     *
     * @throws IllegalStateException before the end of the stream was read
     */
    Sha256 digest();

    /**
     * {@link #digest()} as the digest of what the caller passed on, once it passed on {@code passedOn} bytes, every
     * one it read, unchanged.
     *
     * @throws IngestException {@code storage_checksum_mismatch} when the stream handed out another number of bytes
     */
    default Sha256 digestOfPassedOn(long passedOn) {
        if (count() != passedOn) {
            throw new IngestException(IngestException.Kind.INTERNAL, "storage_checksum_mismatch",
                    "the content stream handed out " + count() + " bytes but " + passedOn + " were passed on");
        }
        return digest();
    }
}
