package io.artstore.ingester.server.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;

/** Fingerprints and names of certificates, as ArtStore's metadata records them. */
final class CertificateFingerprints {

    private CertificateFingerprints() {
    }

    /** SHA-256 of the DER certificate, lower-case hex. */
    static String sha256(X509CertificateHolder certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the certificate", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The subject as an RFC 4514 string. */
    static String subject(X509CertificateHolder certificate) {
        return rfc4514(certificate.getSubject());
    }

    static String rfc4514(X500Name name) {
        try {
            return new X500Principal(name.getEncoded()).getName(X500Principal.RFC2253);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the name", e);
        }
    }
}
