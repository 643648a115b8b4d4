package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.SignatureAlgorithm;

/**
 * Makes detached CMS signatures of original file content. The content is fed while it streams, so a file
 * is read once and never held in memory. Implementations are thread-safe; each {@link Signing} is not.
 */
public interface Signer {

    SignatureAlgorithm algorithm();

    /** Starts signing one file's content. */
    Signing begin();

    /** Starts signing the content of the given file; signers that record what they sign use the id. */
    default Signing begin(FileId fileId) {
        return begin();
    }
}
