package io.artstore.ingester.storage.crypto;

import io.artstore.ingester.core.port.out.ContentEncryption;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;

/** {@link ContentEncryption} as chunked AES-256-GCM {@link Envelope}s, data keys wrapped by a {@link Keyring}. */
public final class EnvelopeEncryption implements ContentEncryption {

    private final Keyring keyring;
    private final int chunkSize;

    public EnvelopeEncryption(Keyring keyring) {
        this(keyring, Envelope.DEFAULT_CHUNK_SIZE);
    }

    public EnvelopeEncryption(Keyring keyring, int chunkSize) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
        this.chunkSize = chunkSize;
    }

    public Keyring keyring() {
        return keyring;
    }

    @Override
    public FileEncryption begin() {
        Keyring.FileKey key = keyring.newFileKey();
        return new FileEncryption() {
            @Override
            public InputStream encrypting(InputStream plain) {
                return new EncryptingInputStream(plain, key, chunkSize);
            }

            @Override
            public Map<String, Object> metadata() {
                return Envelope.metadata(key);
            }
        };
    }

    @Override
    public InputStream decrypting(InputStream stored) {
        return DecryptingInputStream.of(stored, keyring);
    }
}
