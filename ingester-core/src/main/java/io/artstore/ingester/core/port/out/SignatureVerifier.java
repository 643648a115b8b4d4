package io.artstore.ingester.core.port.out;

import java.io.InputStream;

/** Checks a detached CMS signature against the original content. Implementations are thread-safe. */
public interface SignatureVerifier {

    /**
     * Reads {@code originalContent} to its end (without closing it; not at all when the signature cannot even
     * be parsed) and checks the signature against it and against the certificate the signature carries. A
     * signature that does not hold is a result, not an exception; only a content stream that fails is
     * thrown, unchanged or wrapped.
     */
    VerificationResult verify(byte[] signatureDer, InputStream originalContent);
}
