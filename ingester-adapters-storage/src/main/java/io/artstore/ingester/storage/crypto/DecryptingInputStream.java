package io.artstore.ingester.storage.crypto;

import io.artstore.ingester.core.pipeline.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Reads an {@link Envelope} back as plaintext, one authenticated chunk at a time: a chunk's bytes are passed on only
 * once its tag is checked, so a changed, reordered or cut-off envelope fails with {@link EnvelopeException} before any
 * of its unauthenticated bytes come out. Memory stays bounded by one chunk.
 */
public final class DecryptingInputStream extends InputStream {

    /** Finds the data key of an envelope from its header. */
    @FunctionalInterface
    public interface KeySource {
        SecretKey keyFor(Envelope envelope) throws EnvelopeException;
    }

    private final InputStream source;
    private final ChunkReader chunks;
    private final KeySource keys;
    private Envelope envelope;
    private byte[] header;
    private SecretKey key;
    private Cipher cipher;
    private byte[] sealed;
    private byte[] plain;
    private int plainLength;
    private int position;
    private long index;
    private boolean finished;

    public DecryptingInputStream(InputStream source, KeySource keys) {
        this.source = source;
        this.chunks = new ChunkReader(source);
        this.keys = keys;
    }

    /** With the file's key looked up in {@code keyring} by the envelope's key id. */
    public static DecryptingInputStream of(InputStream source, Keyring keyring) {
        return new DecryptingInputStream(source, envelope -> keyring.unwrap(envelope.keyId(), envelope.wrappedKey()));
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
        if (envelope == null) {
            start();
        }
        while (position >= plainLength) {
            if (finished) {
                return -1;
            }
            nextChunk();
        }
        int n = Math.min(len, plainLength - position);
        System.arraycopy(plain, position, b, off, n);
        position += n;
        return n;
    }

    private void start() throws IOException {
        envelope = Envelope.read(source);
        header = envelope.header();
        key = keys.keyFor(envelope);
        sealed = new byte[envelope.chunkSize() + Envelope.TAG_BYTES];
        plain = new byte[envelope.chunkSize() + Envelope.TAG_BYTES];
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private void nextChunk() throws IOException {
        int filled = chunks.next(sealed);
        boolean last = chunks.last();
        if (filled < Envelope.TAG_BYTES) {
            throw new EnvelopeException("the encrypted file is cut short at chunk " + index);
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(Envelope.TAG_BYTES * 8, envelope.nonce(index)));
            cipher.updateAAD(Envelope.aad(header, index, last));
            plainLength = cipher.doFinal(sealed, 0, filled, plain, 0);
        } catch (AEADBadTagException e) {
            throw new EnvelopeException("chunk " + index + " of the encrypted file fails authentication: it was changed,"
                    + " reordered, or the file was cut short", e);
        } catch (GeneralSecurityException e) {
            throw new EnvelopeException("decrypting chunk " + index + " failed: " + e.getMessage(), e);
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
