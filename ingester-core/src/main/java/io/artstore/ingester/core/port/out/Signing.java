package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.IngestException;

/** The signature of one file's content in progress. Used by one thread; {@link #sign()} at most once. */
public interface Signing {

    /** Feeds the next original bytes, in order. */
    void update(byte[] b, int off, int len);

    /**
     * Signs everything fed so far; no more bytes may be fed afterwards.
     *
     * @throws IngestException {@code UNAVAILABLE} when a remote signer cannot be reached, {@code INTERNAL}
     *     when the key or the signer is broken
     */
    DetachedSignature sign();
}
