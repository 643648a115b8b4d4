package io.artstore.ingester.server.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Encryption of stored content (off by default).
 *
 * @param keysDir a folder of master keys, one file {@code <key id>.key} each, holding 32 random bytes in base64
 * @param keyId the key that wraps the data keys of new files; the others still decrypt older files
 */
public record EncryptionSettings(boolean enabled, Optional<Path> keysDir, Optional<String> keyId) {

    public static final EncryptionSettings OFF = new EncryptionSettings(false, Optional.empty(), Optional.empty());

    public EncryptionSettings {
        Objects.requireNonNull(keysDir, "keysDir");
        Objects.requireNonNull(keyId, "keyId");
        if (enabled && (keysDir.isEmpty() || keyId.isEmpty())) {
            throw new IllegalArgumentException("encryption needs encryption.keys_dir and encryption.key_id");
        }
    }
}
