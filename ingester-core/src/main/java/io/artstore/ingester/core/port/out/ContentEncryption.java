package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.StoredContent;
import java.io.InputStream;
import java.util.Map;

/**
 * Encryption of stored content: each file gets its own key; what is needed to decrypt it again (key id, algorithm,
 * wrapped key) is recorded in the file's metadata under {@link #METADATA_KEY}. Streams stay bounded in memory.
 */
public interface ContentEncryption {

    /** The key, inside the ingester's metadata section, under which a file's encryption is recorded. */
    String METADATA_KEY = "encryption";

    /** Begins one file's encryption, with a fresh data key. */
    FileEncryption begin();

    /**
     * The plaintext of stored bytes that {@link FileEncryption#encrypting} produced. Reading fails with an
     * {@link java.io.IOException} when they were changed, reordered or cut short, or their key is unknown here.
     */
    InputStream decrypting(InputStream stored);

    /** One file's encryption. */
    interface FileEncryption {

        /** The encrypted form of {@code plain}, produced as it is read. */
        InputStream encrypting(InputStream plain);

        /** What the file's metadata records of it: algorithm, key id, wrapped key. */
        Map<String, Object> metadata();
    }

    /** Whether a file's metadata says that its stored bytes are encrypted. */
    static boolean encrypted(Map<String, Object> metadata) {
        return metadata.get(StoredContent.METADATA_KEY) instanceof Map<?, ?> section && section.get(METADATA_KEY) instanceof Map<?, ?>;
    }
}
