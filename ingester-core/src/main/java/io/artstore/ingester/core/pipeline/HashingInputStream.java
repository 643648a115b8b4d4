package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.port.out.DigestedContent;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Counts and hashes (SHA-256) the bytes read through it, in the reader's own array right after each read filled it:
 * {@link DigestedContent}, so that a storage element writing those bytes unchanged takes this digest instead of
 * hashing them again.
 */
public final class HashingInputStream extends DigestingInputStream implements DigestedContent {

    /** @param progress told the total count after every read that returned bytes */
    public HashingInputStream(InputStream in, LongConsumer progress) {
        super(in, new Hook() {
            @Override
            public void afterRead(long total) {
                progress.accept(total);
            }

            @Override
            public void atEnd(long total, Sha256 digest) {
                // the digest is read through digest() once the end was reached
            }
        });
    }
}
