package io.artstore.ingester.storage.crypto;

import io.artstore.ingester.core.pipeline.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts a stream into an {@link Envelope} as it is read: the header, then one AES-256-GCM chunk per
 * {@code chunkSize} plaintext bytes. Memory stays bounded by one plaintext and one ciphertext chunk; whether a
 * chunk is the last is known by reading one byte past it, which is kept for the next chunk.
 */
public final class EncryptingInputStream extends InputStream {

    private final InputStream source;
    private final ChunkReader chunks;
    private final Envelope envelope;
    private final byte[] header;
    private final Keyring.FileKey key;
    private final Cipher cipher;
    private final byte[] plain;
    private byte[] out;
    private int outLength;
    private int position;
    private long index;
    private boolean headerSent;
    private boolean finished;

    public EncryptingInputStream(InputStream source, Keyring.FileKey key, int chunkSize) {
        this.source = source;
        this.chunks = new ChunkReader(source);
        this.key = key;
        this.envelope = Envelope.fresh(chunkSize, key);
        this.header = envelope.header();
        this.plain = new byte[chunkSize];
        this.out = header;
        this.outLength = 0;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    @Override
    public int read() throws IOException {
        return Streams.readOneByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position >= outLength) {
            if (!headerSent) {
                headerSent = true;
                out = header;
                outLength = header.length;
                position = 0;
            } else if (finished) {
                return -1;
            } else {
                nextChunk();
            }
        }
        int n = Math.min(len, outLength - position);
        System.arraycopy(out, position, b, off, n);
        position += n;
        return n;
    }

    private void nextChunk() throws IOException {
        int filled = chunks.next(plain);
        boolean last = chunks.last();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(Envelope.TAG_BYTES * 8, envelope.nonce(index)));
            cipher.updateAAD(Envelope.aad(header, index, last));
            if (out == header || out.length < filled + Envelope.TAG_BYTES) {
                out = new byte[plain.length + Envelope.TAG_BYTES];
            }
            outLength = cipher.doFinal(plain, 0, filled, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IOException("encrypting chunk " + index + " failed", e);
        }
        position = 0;
        index++;
        finished = last;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
