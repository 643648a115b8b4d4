package io.artstore.ingester.server.crypto;

import io.artstore.ingester.storage.crypto.Keyring;
import io.artstore.ingester.server.config.EncryptionSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Master keys from files: each {@code <key id>.key} holds 32 random bytes in base64 (e.g. made with
 * {@code head -c 32 /dev/urandom | base64 > k2026.key}). Every key in the folder decrypts; the configured one encrypts.
 */
public final class MasterKeys {

    public static final String SUFFIX = ".key";

    private MasterKeys() {
    }

    /**
     * The keyring when a key folder and key id are configured, whether encryption of new files is on or not: files
     * stored encrypted earlier stay readable after it is turned off.
     */
    public static Optional<Keyring> load(EncryptionSettings settings) {
        if (settings.keysDir().isEmpty() || settings.keyId().isEmpty()) {
            return Optional.empty();
        }
        Path folder = settings.keysDir().orElseThrow();
        Map<String, byte[]> keys = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                String name = file.getFileName().toString();
                keys.put(name.substring(0, name.length() - SUFFIX.length()), read(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master keys in " + folder, e);
        }
        try {
            return Optional.of(Keyring.of(keys, settings.keyId().orElseThrow()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("encryption.keys_dir " + folder + ": " + e.getMessage(), e);
        }
    }

    /** One key file's 32 bytes. */
    public static byte[] read(Path file) {
        try {
            byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (key.length != Keyring.KEY_BYTES) {
                throw new IllegalStateException("the master key file " + file + " holds " + key.length + " bytes; it must hold "
                        + Keyring.KEY_BYTES + " random bytes in base64");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the master key file " + file + " is not base64", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key file " + file, e);
        }
    }
}
