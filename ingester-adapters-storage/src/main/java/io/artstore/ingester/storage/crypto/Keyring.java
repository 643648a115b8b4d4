package io.artstore.ingester.storage.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The master keys that wrap per-file data keys, each under an id; one of them wraps new keys, all of them unwrap,
 * so that files written before a rotation stay readable. A data key is wrapped with AES-256-GCM under the master
 * key, its id bound as associated data: {@code nonce (12) || ciphertext (32) || tag (16)}.
 */
public final class Keyring {

    public static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh data key for one file, and the same key wrapped under the master key {@code keyId}. */
    public record FileKey(String keyId, SecretKey key, byte[] wrapped) {
        public FileKey {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(key, "key");
            wrapped = wrapped.clone();
        }

        @Override
        public byte[] wrapped() {
            return wrapped.clone();
        }
    }

    private final Map<String, SecretKey> masters;
    private final String activeId;

    private Keyring(Map<String, SecretKey> masters, String activeId) {
        this.masters = masters;
        this.activeId = activeId;
    }

    /**
     * @param masters raw 32-byte AES keys by id (ids of 1 to 64 characters of {@code [A-Za-z0-9._-]})
     * @param activeId the key that wraps new data keys
     */
    public static Keyring of(Map<String, byte[]> masters, String activeId) {
        Map<String, SecretKey> keys = new TreeMap<>();
        masters.forEach((id, bytes) -> {
            if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("key id '" + id + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            if (bytes.length != KEY_BYTES) {
                throw new IllegalArgumentException("master key '" + id + "' has " + bytes.length + " bytes; AES-256 needs " + KEY_BYTES);
            }
            keys.put(id, new SecretKeySpec(bytes.clone(), "AES"));
        });
        if (!keys.containsKey(activeId)) {
            throw new IllegalArgumentException("the active key id '" + activeId + "' is not among the master keys " + keys.keySet());
        }
        return new Keyring(Map.copyOf(keys), activeId);
    }

    public String activeId() {
        return activeId;
    }

    public Set<String> ids() {
        return masters.keySet();
    }

    public FileKey newFileKey() {
        byte[] raw = new byte[KEY_BYTES];
        RANDOM.nextBytes(raw);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, masters.get(activeId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(activeId));
            byte[] sealed = cipher.doFinal(raw);
            byte[] wrapped = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return new FileKey(activeId, new SecretKeySpec(raw, "AES"), wrapped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("wrapping a data key failed", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** @throws EnvelopeException when the key id is unknown here or the wrapped key was not made with it */
    public SecretKey unwrap(String keyId, byte[] wrapped) throws EnvelopeException {
        SecretKey master = masters.get(keyId);
        if (master == null) {
            throw new EnvelopeException("the file's data key is wrapped under master key '" + keyId
                    + "', which this ingester does not have (it has " + masters.keySet() + ")");
        }
        return unwrapWith(master, keyId, wrapped);
    }

    /** Unwraps with one raw master key, whatever its id: for the offline decrypt tool. */
    public static SecretKey unwrapWith(byte[] master, String keyId, byte[] wrapped) throws EnvelopeException {
        return unwrapWith(new SecretKeySpec(master, "AES"), keyId, wrapped);
    }

    private static SecretKey unwrapWith(SecretKey master, String keyId, byte[] wrapped) throws EnvelopeException {
        if (wrapped.length != NONCE_BYTES + KEY_BYTES + TAG_BITS / 8) {
            throw new EnvelopeException("the wrapped data key has " + wrapped.length + " bytes, not " + (NONCE_BYTES + KEY_BYTES + TAG_BITS / 8));
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, master, new GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE_BYTES));
            cipher.updateAAD(aad(keyId));
            byte[] raw = cipher.doFinal(wrapped, NONCE_BYTES, wrapped.length - NONCE_BYTES);
            try {
                return new SecretKeySpec(raw, "AES");
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        } catch (javax.crypto.AEADBadTagException e) {
            throw new EnvelopeException("the data key does not unwrap under master key '" + keyId + "': a different key, or"
                    + " the wrapped key was changed", e);
        } catch (GeneralSecurityException e) {
            throw new EnvelopeException("unwrapping the data key failed: " + e.getMessage(), e);
        }
    }

    private static byte[] aad(String keyId) {
        return ("artstore-data-key:" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
