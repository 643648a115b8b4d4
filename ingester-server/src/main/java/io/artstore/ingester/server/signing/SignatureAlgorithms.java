package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.rosstandart.RosstandartObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** What each {@link SignatureAlgorithm} is in BouncyCastle's and the JCA's terms. */
final class SignatureAlgorithms {

    private SignatureAlgorithms() {
    }

    /** The JCA signature name, for {@code JcaContentSignerBuilder}. */
    static String jcaSignatureName(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case RSA_SHA256 -> "SHA256withRSA";
            case ECDSA_P256_SHA256 -> "SHA256withECDSA";
            case ED25519 -> "Ed25519";
            case GOST3410_2012_256 -> "GOST3411-2012-256withECGOST3410-2012-256";
        };
    }

    /** The OID of the CMS message digest (RFC 5754, RFC 8419, RFC 9337 / TC 26). */
    static ASN1ObjectIdentifier digestOid(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case RSA_SHA256, ECDSA_P256_SHA256 -> NISTObjectIdentifiers.id_sha256;
            case ED25519 -> NISTObjectIdentifiers.id_sha512;
            case GOST3410_2012_256 -> RosstandartObjectIdentifiers.id_tc26_gost_3411_12_256;
        };
    }

    /** RSA keys are generated with 3072 bits: 128-bit security, like the other three. */
    static KeyPair generateKeyPair(SignatureAlgorithm algorithm) throws GeneralSecurityException {
        KeyPairGenerator generator;
        switch (algorithm) {
            case RSA_SHA256 -> {
                generator = KeyPairGenerator.getInstance("RSA", BouncyCastle.PROVIDER);
                generator.initialize(3072);
            }
            case ECDSA_P256_SHA256 -> {
                generator = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            case ED25519 -> {
                generator = KeyPairGenerator.getInstance("Ed25519", BouncyCastle.PROVIDER);
            }
            case GOST3410_2012_256 -> {
                generator = KeyPairGenerator.getInstance("ECGOST3410-2012", BouncyCastle.PROVIDER);
                generator.initialize(new ECGenParameterSpec("Tc26-Gost-3410-12-256-paramSetA"));
            }
            default -> throw new IllegalArgumentException("no key generation for " + algorithm);
        }
        return generator.generateKeyPair();
    }

    /** Which algorithm a certificate's key signs with, or empty when it is none of ours. */
    static Optional<SignatureAlgorithm> forKey(SubjectPublicKeyInfo key) {
        AlgorithmIdentifier id = key.getAlgorithm();
        ASN1ObjectIdentifier oid = id.getAlgorithm();
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return Optional.of(SignatureAlgorithm.RSA_SHA256);
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return X9ObjectIdentifiers.prime256v1.equals(id.getParameters())
                    ? Optional.of(SignatureAlgorithm.ECDSA_P256_SHA256)
                    : Optional.empty();
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return Optional.of(SignatureAlgorithm.ED25519);
        }
        if (oid.equals(RosstandartObjectIdentifiers.id_tc26_gost_3410_12_256)) {
            return Optional.of(SignatureAlgorithm.GOST3410_2012_256);
        }
        return Optional.empty();
    }

    /** A readable name of a key's algorithm, for error messages. */
    static String describe(SubjectPublicKeyInfo key) {
        AlgorithmIdentifier id = key.getAlgorithm();
        return id.getParameters() instanceof ASN1ObjectIdentifier curve
                ? id.getAlgorithm().getId() + " on " + curve.getId()
                : id.getAlgorithm().getId();
    }
}
