package io.artstore.ingester.storage.crypto;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The encrypted file format: a header, then AES-256-GCM chunks.
 *
 * <pre>
 * header: "ASE1" | version (1 byte, 1) | chunk size (4, big-endian) | nonce prefix (4)
 *         | key id length (1) | key id (UTF-8) | wrapped key length (2) | wrapped data key
 * chunk i: ciphertext of {chunk size} plaintext bytes (fewer in the last chunk, which may be empty) | 16-byte tag
 * nonce of chunk i: nonce prefix | i (8 bytes, big-endian)
 * associated data of chunk i: the whole header | i (8 bytes) | final flag (1 byte: 1 for the last chunk, else 0)
 * </pre>
 *
 * Binding the index and the final flag makes a reordered, dropped, duplicated or cut-off chunk fail its tag;
 * binding the header makes a changed chunk size or key reference fail too. The header names the wrapped data key,
 * so a stored file can be decrypted with nothing but the master key.
 */
public record Envelope(int chunkSize, byte[] noncePrefix, String keyId, byte[] wrappedKey) {

    public static final String ALGORITHM = "AES-256-GCM";
    /** The format's name in a file's metadata. */
    public static final String FORMAT = "artstore-envelope-v1";
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    static final int TAG_BYTES = 16;
    private static final byte[] MAGIC = "ASE1".getBytes(StandardCharsets.US_ASCII);
    private static final byte VERSION = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    public Envelope {
        Objects.requireNonNull(keyId, "keyId");
        noncePrefix = noncePrefix.clone();
        wrappedKey = wrappedKey.clone();
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE || noncePrefix.length != 4) {
            throw new IllegalArgumentException("chunk size 1.." + MAX_CHUNK_SIZE + " and a 4-byte nonce prefix");
        }
        if (keyId.getBytes(StandardCharsets.UTF_8).length > 255 || wrappedKey.length > 65535) {
            throw new IllegalArgumentException("key id or wrapped key too long");
        }
    }

    /** How a file encrypted with {@code key} is described in its metadata: enough to unwrap its key again. */
    public static Map<String, Object> metadata(Keyring.FileKey key) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("algorithm", ALGORITHM);
        fields.put("format", FORMAT);
        fields.put("key_id", key.keyId());
        fields.put("wrapped_key", Base64.getEncoder().encodeToString(key.wrapped()));
        return fields;
    }

    static Envelope fresh(int chunkSize, Keyring.FileKey key) {
        byte[] prefix = new byte[4];
        RANDOM.nextBytes(prefix);
        return new Envelope(chunkSize, prefix, key.keyId(), key.wrapped());
    }

    @Override
    public byte[] noncePrefix() {
        return noncePrefix.clone();
    }

    @Override
    public byte[] wrappedKey() {
        return wrappedKey.clone();
    }

    byte[] header() {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(MAGIC.length + 1 + 4 + 4 + 1 + id.length + 2 + wrappedKey.length)
                .put(MAGIC).put(VERSION).putInt(chunkSize).put(noncePrefix)
                .put((byte) id.length).put(id).putShort((short) wrappedKey.length).put(wrappedKey).array();
    }

    byte[] nonce(long index) {
        return ByteBuffer.allocate(12).put(noncePrefix).putLong(index).array();
    }

    static byte[] aad(byte[] header, long index, boolean last) {
        return ByteBuffer.allocate(header.length + 9).put(header).putLong(index).put((byte) (last ? 1 : 0)).array();
    }

    /** Reads the header at the start of {@code in}. */
    public static Envelope read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        try {
            byte[] magic = new byte[MAGIC.length];
            data.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new EnvelopeException("not an encrypted ArtStore file (no ASE1 header)");
            }
            byte version = data.readByte();
            if (version != VERSION) {
                throw new EnvelopeException("envelope version " + version + " is not known here");
            }
            int chunkSize = data.readInt();
            if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
                throw new EnvelopeException("the envelope's chunk size " + chunkSize + " is out of range");
            }
            byte[] prefix = new byte[4];
            data.readFully(prefix);
            byte[] id = new byte[data.readUnsignedByte()];
            data.readFully(id);
            byte[] wrapped = new byte[data.readUnsignedShort()];
            data.readFully(wrapped);
            return new Envelope(chunkSize, prefix, new String(id, StandardCharsets.UTF_8), wrapped);
        } catch (EOFException e) {
            throw new EnvelopeException("the encrypted file ends inside its header", e);
        }
    }
}
