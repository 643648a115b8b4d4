package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Where the embedded server keeps the signing key it generates for itself, and what kind of key.
 *
 * @param directory holds {@code signing-<algorithm>.p12} and, unless a password is configured, its password
 * @param algorithm the key generated on first start
 * @param password the keystore's password; empty to generate one and keep it beside the keystore
 * @param subject the self-signed certificate's subject, as an RFC 4514 name
 */
public record EmbeddedSigningKeysSettings(Path directory, SignatureAlgorithm algorithm, Optional<String> password, String subject) {

    /**
     * ECDSA P-256: 128-bit security like RSA-3072, but generated in milliseconds, with 72-byte signatures,
     * and verified by every CMS tool (Ed25519 and GOST CMS support is still missing from many).
     */
    public static final SignatureAlgorithm DEFAULT_ALGORITHM = SignatureAlgorithm.ECDSA_P256_SHA256;

    public static final String DEFAULT_SUBJECT = "CN=ArtStore Ingester,O=ArtStore";

    public EmbeddedSigningKeysSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(subject, "subject");
        password.filter(String::isEmpty).ifPresent(empty -> {
            throw new IllegalArgumentException("the signing keystore's password must not be empty; leave it unset to generate one");
        });
        try {
            new X500Principal(subject);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signing certificate's subject must be a name like '"
                    + DEFAULT_SUBJECT + "', got '" + subject + "'", e);
        }
    }

    /** The embedded defaults: {@code <dataDirectory>/keys}, {@link #DEFAULT_ALGORITHM}, a generated password. */
    public static EmbeddedSigningKeysSettings defaults(Path dataDirectory) {
        return new EmbeddedSigningKeysSettings(dataDirectory.resolve("keys"), DEFAULT_ALGORITHM, Optional.empty(), DEFAULT_SUBJECT);
    }

    public EmbeddedSigningKeysSettings withAlgorithm(SignatureAlgorithm newAlgorithm) {
        return new EmbeddedSigningKeysSettings(directory, newAlgorithm, password, subject);
    }

    @Override
    public String toString() {
        return "EmbeddedSigningKeysSettings[directory=" + directory + ", algorithm=" + algorithm
                + ", password=" + password.map(p -> "***").orElse("generated") + ", subject=" + subject + "]";
    }
}
