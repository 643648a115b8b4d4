package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed signing certificates: key usage digital signature and non-repudiation, no extended key usage
 * (so that {@code openssl cms -verify} accepts it for S/MIME signing), key identifiers for chain building.
 */
final class SelfSignedCertificates {

    private SelfSignedCertificates() {
    }

    /** @param subject an RFC 4514 name such as {@code CN=ArtStore Ingester,O=ArtStore} */
    static X509Certificate create(SignatureAlgorithm algorithm, KeyPair keys, String subject, Instant notBefore, Instant notAfter)
            throws CertificateException {
        return create(algorithm, keys, subject, new BigInteger(127, new SecureRandom()).add(BigInteger.ONE), notBefore, notAfter);
    }

    static X509Certificate create(SignatureAlgorithm algorithm, KeyPair keys, String subject, BigInteger serial,
            Instant notBefore, Instant notAfter) throws CertificateException {
        // RFC 4514 writes the most specific name first; the certificate encodes it last.
        X500Name name = X500Name.getInstance(new X500Principal(subject).getEncoded());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    name, serial, Date.from(notBefore), Date.from(notAfter), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(keys.getPublic()));
            return new JcaX509CertificateConverter()
                    .setProvider(BouncyCastle.PROVIDER)
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SignatureAlgorithms.jcaSignatureName(algorithm))
                            .setProvider(BouncyCastle.PROVIDER)
                            .build(keys.getPrivate())));
        } catch (CertIOException | OperatorCreationException | NoSuchAlgorithmException e) {
            throw new CertificateException("could not build a self-signed " + algorithm.wireName() + " certificate", e);
        }
    }
}
