package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.Signer;
import io.artstore.ingester.core.port.out.Signing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Signs with a key and certificate from a PKCS#12 keystore: detached CMS SignedData in DER, verifiable with
 * {@code openssl cms -verify -binary -inform DER}. The content's digest is computed while it streams through
 * {@link Signing#update}; the signing itself happens once, over that digest.
 */
public final class BouncyCastleSigner implements Signer {

    private static final int MIN_RSA_BITS = 2048;

    private final SignatureAlgorithm algorithm;
    private final DetachedCmsSigner cms;
    private final String certificateFingerprint;
    private final Clock clock;

    private BouncyCastleSigner(SignatureAlgorithm algorithm, DetachedCmsSigner cms, String certificateFingerprint, Clock clock) {
        this.algorithm = algorithm;
        this.cms = cms;
        this.certificateFingerprint = certificateFingerprint;
        this.clock = clock;
    }

    public static BouncyCastleSigner fromKeystore(KeystoreSettings settings) {
        return fromKeystore(settings, Clock.systemUTC());
    }

    /**
     * Loads the key and checks it before the first file needs it: one of the four algorithms, RSA of 2048 bits
     * or more, a certificate valid now that belongs to the key.
     *
     * @throws IllegalStateException naming the keystore and what to fix
     */
    public static BouncyCastleSigner fromKeystore(KeystoreSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        KeyStore keystore = load(settings);
        try {
            if (!keystore.isKeyEntry(settings.alias())) {
                throw unusable(settings, "it has no key under the alias '" + settings.alias() + "'; its aliases are "
                        + Collections.list(keystore.aliases()));
            }
            PrivateKey key = (PrivateKey) keystore.getKey(settings.alias(), settings.password().toCharArray());
            Certificate certificate = keystore.getCertificate(settings.alias());
            if (!(certificate instanceof X509Certificate x509)) {
                throw unusable(settings, "the key '" + settings.alias() + "' has no X.509 certificate");
            }
            X509CertificateHolder holder = new JcaX509CertificateHolder(x509);
            SignatureAlgorithm algorithm = SignatureAlgorithms.forKey(holder.getSubjectPublicKeyInfo())
                    .orElseThrow(() -> unusable(settings, "its key is "
                            + SignatureAlgorithms.describe(holder.getSubjectPublicKeyInfo())
                            + "; supported are RSA, ECDSA P-256, Ed25519 and GOST R 34.10-2012 (256 bits)"));
            if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw unusable(settings, "its RSA key has " + rsa.getModulus().bitLength() + " bits; use "
                        + MIN_RSA_BITS + " or more");
            }
            if (!holder.isValidOn(Date.from(clock.instant()))) {
                throw unusable(settings, "its certificate is valid only from " + holder.getNotBefore().toInstant()
                        + " to " + holder.getNotAfter().toInstant());
            }
            if (!belongTogether(algorithm, key, x509.getPublicKey())) {
                throw unusable(settings, "the certificate of '" + settings.alias() + "' is not the key's certificate");
            }
            return new BouncyCastleSigner(algorithm, new DetachedCmsSigner(algorithm, key, holder),
                    CertificateFingerprints.sha256(holder), clock);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the signing keystore " + settings.path() + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(KeystoreSettings settings) {
        try (InputStream in = Files.newInputStream(settings.path())) {
            KeyStore keystore = KeyStore.getInstance("PKCS12", BouncyCastle.PROVIDER);
            keystore.load(in, settings.password().toCharArray());
            return keystore;
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("the signing keystore " + settings.path() + " does not exist", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the signing keystore " + settings.path()
                    + " (is it PKCS#12, and is the password right?): " + e.getMessage(), e);
        }
    }

    private static boolean belongTogether(SignatureAlgorithm algorithm, PrivateKey key, PublicKey publicKey)
            throws GeneralSecurityException {
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature signature = Signature.getInstance(SignatureAlgorithms.jcaSignatureName(algorithm), BouncyCastle.PROVIDER);
        signature.initSign(key);
        signature.update(challenge);
        byte[] signed = signature.sign();
        signature.initVerify(publicKey);
        signature.update(challenge);
        return signature.verify(signed);
    }

    private static IllegalStateException unusable(KeystoreSettings settings, String why) {
        return new IllegalStateException("cannot sign with the keystore " + settings.path() + ": " + why);
    }

    @Override
    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    /** SHA-256 of the signing certificate, hex, as each signature reports it. */
    public String certificateFingerprint() {
        return certificateFingerprint;
    }

    @Override
    public Signing begin() {
        return new StreamedSigning(newDigest());
    }

    /**
     * Signs content digested elsewhere, for instance by a client of a signing service.
     *
     * @param contentDigest the content's digest by {@code algorithm().digestName()}
     * @throws IllegalArgumentException when the digest has the wrong length for that algorithm
     */
    public DetachedSignature signDigest(byte[] contentDigest) {
        Objects.requireNonNull(contentDigest, "contentDigest");
        int expected = newDigest().getDigestLength();
        if (contentDigest.length != expected) {
            throw new IllegalArgumentException("a " + algorithm.digestName() + " digest has " + expected
                    + " bytes, got " + contentDigest.length);
        }
        Instant signedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        try {
            return new DetachedSignature(cms.sign(contentDigest, signedAt), algorithm, certificateFingerprint, signedAt);
        } catch (OperatorCreationException | CMSException | IOException e) {
            throw new IngestException(Kind.INTERNAL, "signing_failed",
                    "could not sign with the " + algorithm.wireName() + " key: " + e.getMessage(), e);
        }
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(algorithm.digestName(), BouncyCastle.PROVIDER);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("BouncyCastle has " + algorithm.digestName(), e);
        }
    }

    private final class StreamedSigning implements Signing {
        private final MessageDigest digest;
        private boolean signed;

        StreamedSigning(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void update(byte[] b, int off, int len) {
            if (signed) {
                throw new IllegalStateException("the content was signed already; start a new signing");
            }
            digest.update(b, off, len);
        }

        @Override
        public DetachedSignature sign() {
            if (signed) {
                throw new IllegalStateException("the content was signed already; start a new signing");
            }
            signed = true;
            return signDigest(digest.digest());
        }
    }
}
