package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * The embedded server's own signing key: on first start a key of the configured algorithm and a self-signed
 * certificate are generated into {@code <directory>/signing-<algorithm>.p12}; later starts reuse them. Unless
 * a password is configured, a random one is kept beside the keystore in {@code .p12.password}. Keystore and
 * password are readable by the owner only (where the file system has POSIX permissions). A different
 * algorithm gets its own keystore, so switching back finds the old key again.
 */
public final class EmbeddedSigningKeys {

    /** The alias of the key inside the generated keystores. */
    public static final String ALIAS = "signing";

    /** Long enough for an embedded installation; signatures stay verifiable after it, being checked at signing time. */
    static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(3650);

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private EmbeddedSigningKeys() {
    }

    public static KeystoreSettings loadOrCreate(EmbeddedSigningKeysSettings settings) {
        return loadOrCreate(settings, Clock.systemUTC());
    }

    /**
     * Returns the keystore to sign with, generating it first when there is none.
     *
     * @throws IllegalStateException when the folder cannot be written, or a keystore exists whose password is
     *     neither configured nor kept beside it
     */
    public static KeystoreSettings loadOrCreate(EmbeddedSigningKeysSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Path keystore = keystorePath(settings);
        Path passwordFile = passwordPath(settings);
        try {
            createDirectory(settings.directory());
            if (Files.exists(keystore)) {
                String password = settings.password().orElseGet(() -> readPassword(passwordFile, keystore));
                return new KeystoreSettings(keystore, password, ALIAS);
            }
            String password = settings.password().isPresent() ? settings.password().get() : readOrCreatePassword(passwordFile);
            writeKeystore(settings, keystore, password, clock.instant());
            return new KeystoreSettings(keystore, password, ALIAS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot keep the signing key in " + settings.directory() + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + settings.algorithm().wireName() + " signing key: "
                    + e.getMessage(), e);
        }
    }

    static Path keystorePath(EmbeddedSigningKeysSettings settings) {
        return settings.directory().resolve("signing-" + settings.algorithm().wireName() + ".p12");
    }

    static Path passwordPath(EmbeddedSigningKeysSettings settings) {
        Path keystore = keystorePath(settings);
        return keystore.resolveSibling(keystore.getFileName() + ".password");
    }

    private static String readPassword(Path passwordFile, Path keystore) {
        try {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("the signing keystore " + keystore + " exists but its password file "
                    + passwordFile + " cannot be read (" + e.getMessage() + "); configure the keystore's password, "
                    + "or move the keystore away to generate a new key", e);
        }
    }

    /** A password file without a keystore is what a crash between the two writes leaves: reuse it. */
    private static String readOrCreatePassword(Path passwordFile) throws IOException {
        if (Files.exists(passwordFile)) {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        writeOwnerOnly(passwordFile, password.getBytes(StandardCharsets.UTF_8));
        return password;
    }

    private static void writeKeystore(EmbeddedSigningKeysSettings settings, Path keystore, String password, Instant now)
            throws IOException, GeneralSecurityException {
        SignatureAlgorithm algorithm = settings.algorithm();
        KeyPair keys = SignatureAlgorithms.generateKeyPair(algorithm);
        // A minute back, so that a verifier whose clock is slightly behind still accepts the first signatures.
        X509Certificate certificate = SelfSignedCertificates.create(algorithm, keys, settings.subject(),
                now.minus(Duration.ofMinutes(1)), now.plus(CERTIFICATE_VALIDITY));
        // The JDK's PKCS#12 writer protects with PBES2/AES-256, which OpenSSL 3 reads without its legacy
        // provider; BouncyCastle's reads it back, GOST keys included.
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, keys.getPrivate(), password.toCharArray(), new Certificate[] {certificate});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, password.toCharArray());
        writeOwnerOnly(keystore, bytes.toByteArray());
    }

    /** Only the keys folder itself is made private; folders above it are created as usual. */
    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try {
            if (supportsPosix(parent)) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } else {
                Files.createDirectory(directory);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(directory)) {
                throw e;
            }
        }
    }

    /** Written to a temporary file first and moved into place, so that a crash never leaves half a file. */
    private static void writeOwnerOnly(Path target, byte[] content) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        FileAttribute<?>[] attributes = supportsPosix(target.getParent())
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                : new FileAttribute<?>[0];
        Files.createFile(temporary, attributes);
        Files.write(temporary, content);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            throw new IOException("could not move " + temporary + " to " + target + " atomically", e);
        }
    }

    private static boolean supportsPosix(Path existing) {
        Path probe = existing;
        while (probe != null && !Files.exists(probe)) {
            probe = probe.getParent();
        }
        try {
            return probe != null && Files.getFileStore(probe).supportsFileAttributeView("posix");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
