package io.artstore.ingester.storage.audit;

import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The instance's Ed25519 key that signs audit checkpoints (the JDK's own provider). The private key lives in the
 * data folder, readable by its owner only, created at first start; the public key is published beside the log so
 * that anyone can verify it, and should also be kept somewhere the log's writer cannot change.
 */
public final class AuditKeys {

    static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private AuditKeys(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Reads the key pair, or creates it when {@code privateKeyFile} does not exist; (re)writes the public key file. */
    public static AuditKeys loadOrCreate(Path privateKeyFile, Path publicKeyFile) {
        try {
            AuditKeys keys;
            if (Files.exists(privateKeyFile)) {
                PrivateKey privateKey = KeyFactory.getInstance(ALGORITHM).generatePrivate(
                        new PKCS8EncodedKeySpec(fromPem(Files.readString(privateKeyFile, StandardCharsets.US_ASCII))));
                keys = new AuditKeys(privateKey, derivePublic(privateKeyFile));
            } else {
                KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
                DurableFiles.createFolders(privateKeyFile.getParent());
                Path temp = DurableFiles.tempFileIn(privateKeyFile.getParent(), ".audit-key");
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, toPem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
                // The public key is stored beside the private one: Ed25519 private keys in PKCS#8 do not always carry it.
                Files.writeString(publicKeyFileOf(privateKeyFile), toPem("PUBLIC KEY", pair.getPublic().getEncoded()),
                        StandardCharsets.US_ASCII);
                DurableFiles.moveAtomically(temp, privateKeyFile);
                DurableFiles.forceFolder(privateKeyFile.getParent());
                keys = new AuditKeys(pair.getPrivate(), pair.getPublic());
            }
            DurableFiles.createFolders(publicKeyFile.getParent());
            DurableFiles.replace(publicKeyFile, toPem("PUBLIC KEY", keys.publicKey.getEncoded()).getBytes(StandardCharsets.US_ASCII),
                    publicKeyFile.getParent());
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the audit signing key " + privateKeyFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the audit signing key " + privateKeyFile + " is not an Ed25519 key: " + e.getMessage(), e);
        }
    }

    private static Path publicKeyFileOf(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
    }

    private static PublicKey derivePublic(Path privateKeyFile) throws IOException, GeneralSecurityException {
        return readPublicKey(publicKeyFileOf(privateKeyFile));
    }

    /** A public key file as {@link #loadOrCreate} publishes it. */
    public static PublicKey readPublicKey(Path file) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(
                new X509EncodedKeySpec(fromPem(Files.readString(file, StandardCharsets.US_ASCII))));
    }

    byte[] sign(byte[] content) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(privateKey);
            signature.update(content);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing an audit checkpoint failed", e);
        }
    }

    static boolean verify(PublicKey key, byte[] content, byte[] signatureBytes) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(key);
            signature.update(content);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** SHA-256 of the encoded public key, in hex: names the key in checkpoints. */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String toPem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static byte[] fromPem(String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
