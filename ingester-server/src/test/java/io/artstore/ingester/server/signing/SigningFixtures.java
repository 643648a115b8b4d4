package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.pipeline.SigningInputStream;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.Signer;
import io.artstore.ingester.core.port.out.Signing;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/** Keys, certificates, keystores, clocks and content for the signing tests. */
final class SigningFixtures {

    /** "Now" in every signing test; the fixtures' certificates are valid from 2020 to 2040. */
    static final Instant NOW = Instant.parse("2026-11-26T10:15:30Z");
    static final Instant VALID_FROM = Instant.parse("2020-01-01T00:00:00Z");
    static final Instant VALID_UNTIL = Instant.parse("2040-01-01T00:00:00Z");
    static final String PASSWORD = "fixture-password";
    static final String ALIAS = "fixture";

    private static final Map<String, Identity> IDENTITIES = new ConcurrentHashMap<>();
    private static final Path KEYSTORES = temporaryFolder();

    private SigningFixtures() {
    }

    /** A key with its self-signed certificate, and a PKCS#12 keystore holding both. */
    record Identity(SignatureAlgorithm algorithm, KeyPair keys, X509Certificate certificate, Path keystore) {

        KeystoreSettings settings() {
            return new KeystoreSettings(keystore, PASSWORD, ALIAS);
        }

        X509CertificateHolder holder() {
            try {
                return new JcaX509CertificateHolder(certificate);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        String fingerprint() {
            return CertificateFingerprints.sha256(holder());
        }

        String certificatePem() {
            return pem(certificate);
        }

        /** PKCS#8 version 1, without the public key BouncyCastle adds to EdDSA keys, which OpenSSL 3.0 cannot read. */
        String privateKeyPem() {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
            try {
                PrivateKeyInfo plain = new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), info.parsePrivateKey());
                return pem(new PemObject("PRIVATE KEY", plain.getEncoded()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        BouncyCastleSigner signer() {
            return BouncyCastleSigner.fromKeystore(settings(), fixedClock());
        }
    }

    /** The same key every time it is asked for within a test run (RSA keys are slow to make). */
    static Identity identity(SignatureAlgorithm algorithm) {
        return IDENTITIES.computeIfAbsent("main-" + algorithm, name -> create(name, algorithm, "CN=Fixture Signer,O=ArtStore",
                BigInteger.valueOf(1001), VALID_FROM, VALID_UNTIL));
    }

    /** Another key and certificate of the same algorithm and subject. */
    static Identity otherIdentity(SignatureAlgorithm algorithm) {
        return IDENTITIES.computeIfAbsent("other-" + algorithm, name -> create(name, algorithm, "CN=Fixture Signer,O=ArtStore",
                BigInteger.valueOf(2002), VALID_FROM, VALID_UNTIL));
    }

    /** A different key under a certificate with the same issuer and serial as {@link #identity}'s. */
    static Identity impostor(SignatureAlgorithm algorithm) {
        return IDENTITIES.computeIfAbsent("impostor-" + algorithm, name -> create(name, algorithm,
                "CN=Fixture Signer,O=ArtStore", BigInteger.valueOf(1001), VALID_FROM, VALID_UNTIL));
    }

    /** An identity whose certificate is valid only within the given times. */
    static Identity identityValid(SignatureAlgorithm algorithm, Instant from, Instant until) {
        return create("valid-" + from.getEpochSecond() + "-" + until.getEpochSecond() + "-" + algorithm, algorithm,
                "CN=Short Lived,O=ArtStore", BigInteger.valueOf(3003), from, until);
    }

    /** A keystore holding {@code certificateOf}'s certificate with {@code keyOf}'s key. */
    static KeystoreSettings mismatchedKeystore(Identity keyOf, Identity certificateOf) {
        Path path = KEYSTORES.resolve("mismatched-" + keyOf.algorithm().wireName() + ".p12");
        writeKeystore(path, keyOf.keys(), certificateOf.certificate());
        return new KeystoreSettings(path, PASSWORD, ALIAS);
    }

    /** A keystore with a key and certificate made by the given generator and JCA signature name. */
    static KeystoreSettings foreignKeystore(String name, KeyPair keys, X509Certificate certificate) {
        Path path = KEYSTORES.resolve("foreign-" + name + ".p12");
        writeKeystore(path, keys, certificate);
        return new KeystoreSettings(path, PASSWORD, ALIAS);
    }

    private static Identity create(String name, SignatureAlgorithm algorithm, String subject, BigInteger serial,
            Instant from, Instant until) {
        try {
            KeyPair keys = SignatureAlgorithms.generateKeyPair(algorithm);
            X509Certificate certificate = SelfSignedCertificates.create(algorithm, keys, subject, serial, from, until);
            Path keystore = KEYSTORES.resolve(name + ".p12");
            writeKeystore(keystore, keys, certificate);
            return new Identity(algorithm, keys, certificate, keystore);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not make the " + name + " fixture", e);
        }
    }

    private static void writeKeystore(Path path, KeyPair keys, X509Certificate certificate) {
        try (OutputStream out = Files.newOutputStream(path)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, keys.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {certificate});
            store.store(out, PASSWORD.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path temporaryFolder() {
        try {
            Path folder = Files.createTempDirectory("signing-fixtures");
            folder.toFile().deleteOnExit();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(folder)));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (var files = Files.list(folder)) {
            files.forEach(file -> file.toFile().delete());
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // A leftover temporary folder is harmless.
        }
    }

    static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    static Clock fixedClock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    /** A clock the test moves. */
    static final class AdjustableClock extends Clock {
        private volatile Instant now;

        AdjustableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Reproducible content of the given size. */
    static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(31L * size + 7).nextBytes(bytes);
        return bytes;
    }

    /** Signs as the upload pipeline will: the content streams through a {@link SigningInputStream} in small reads. */
    static DetachedSignature signStreamed(Signer signer, byte[] content) {
        Signing signing = signer.begin();
        try (InputStream in = new SigningInputStream(new SmallReads(new ByteArrayInputStream(content)), signing)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return signing.sign();
    }

    /** Reads of uneven sizes, as from a network. */
    private static final class SmallReads extends FilterInputStream {
        private int next = 1;

        SmallReads(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            next = next % 8191 + 1000;
            return in.read(b, off, Math.min(len, next));
        }
    }
}
